#!/usr/bin/env bash
# CI step "apply" (templates/github/workflows/database.yml, on a push to main):
# the migration gate, then the pending migrations, applied to production.
#   DIRECT_DATABASE_URL  production's direct (non-pooled) URL: Atlas holds a
#                        session advisory lock that a pooler cannot keep
#   ATLAS_DEV_URL        an empty scratch database (the gate replays there first)
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${DIRECT_DATABASE_URL:?set the DIRECT_DATABASE_URL secret to the direct (non-pooled) connection string of production}"
: "${ATLAS_DEV_URL:?set ATLAS_DEV_URL to an empty scratch database (the workflow uses its postgres service)}"
export DATABASE_URL="${DATABASE_URL:-$DIRECT_DATABASE_URL}"
npm run --silent db:apply
