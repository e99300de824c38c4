# Atlas project file: `atlas migrate diff|apply|status --env local|neon`.
# The desired schema is schema.sql; migrations/ holds the versioned steps.
# Atlas records applied migrations in its own schema (atlas_schema_revisions),
# so `public` holds only the app's tables.

# The embedded Postgres that `npm run db:start` runs (see README), on the
# port the npm scripts use: EMBEDDED_PG_PORT (default 54329). `npx atlas`
# reads it from the environment or .env like the npm scripts do, so the bare
# `npx atlas ... --env local` commands reach this copy's database, never
# another copy's on the default port. The npm scripts pass the URLs of the
# databases they resolved as --var url=... and --var dev_url=....
locals {
  embedded_port = getenv("EMBEDDED_PG_PORT") != "" ? getenv("EMBEDDED_PG_PORT") : "54329"
  embedded      = "postgres://bookshelf:bookshelf@127.0.0.1:${local.embedded_port}"
}

variable "url" {
  type    = string
  default = ""
}

variable "dev_url" {
  type    = string
  default = ""
}

env "local" {
  src = "file://schema.sql"
  url = var.url != "" ? var.url : "${local.embedded}/bookshelf?search_path=public&sslmode=disable"
  dev = var.dev_url != "" ? var.dev_url : "${local.embedded}/bookshelf_dev?search_path=public&sslmode=disable"
  migration {
    dir              = "file://migrations"
    revisions_schema = "atlas_schema_revisions"
  }
}

# Neon: migrations go over the direct (non-pooled) endpoint, because Atlas
# takes a session advisory lock that a transaction-mode pooler cannot keep.
# ATLAS_DEV_URL is an empty database Atlas may wipe, e.g. a Neon branch.
env "neon" {
  src = "file://schema.sql"
  url = getenv("DIRECT_DATABASE_URL")
  dev = getenv("ATLAS_DEV_URL")
  migration {
    dir              = "file://migrations"
    revisions_schema = "atlas_schema_revisions"
  }
}
