# Atlas project file: `atlas migrate diff|apply|status --env local|neon`.
# The desired schema is schema.sql; migrations/ holds the versioned steps.
# Atlas records applied migrations in its own schema (atlas_schema_revisions),
# so `public` holds only the app's tables.

# The embedded Postgres that `npm run db:start` runs (see README). The npm
# scripts pass the URLs of whatever database they started; these defaults
# make the bare `atlas ... --env local` commands work as the README shows.
variable "url" {
  type    = string
  default = "postgres://bookshelf:bookshelf@127.0.0.1:54329/bookshelf?search_path=public&sslmode=disable"
}

variable "dev_url" {
  type    = string
  default = "postgres://bookshelf:bookshelf@127.0.0.1:54329/bookshelf_dev?search_path=public&sslmode=disable"
}

env "local" {
  src = "file://schema.sql"
  url = var.url
  dev = var.dev_url
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
