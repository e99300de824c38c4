#!/usr/bin/env bash
# CI step "review" (templates/github/workflows/database.yml, on a pull request):
# db:check against a copy of production and the review report for reviewers.
#   BRANCH_DATABASE_URL  a copy of production (a Neon branch): drift is checked
#                        there, rows are counted there, and the new migrations
#                        are rehearsed ON it (reset the branch before each run)
#   ATLAS_DEV_URL        an empty scratch database Atlas may wipe
#   BASE_REF             what "new" is measured against (default origin/main)
#   REVIEW_DIR           where review.md, review.json and db-check.log go (.review)
# Exits with db:check's code, after the report is written: a failing change is
# the one that most needs its report.
set -uo pipefail
cd "$(dirname "$0")/../../.."
: "${BRANCH_DATABASE_URL:?set BRANCH_DATABASE_URL to the Neon branch of production (create-branch-action output db_url)}"
: "${ATLAS_DEV_URL:?set ATLAS_DEV_URL to an empty scratch database (the workflow uses its postgres service)}"
base="${BASE_REF:-origin/main}"
out="${REVIEW_DIR:-.review}"
mkdir -p "$out"
rm -f "$out/review.md" "$out/review.json"

# DATABASE_URL unset: the branch is given explicitly, and nothing else is touched.
env -u DATABASE_URL -u DIRECT_DATABASE_URL npm run --silent db:check -- \
  --url "$BRANCH_DATABASE_URL" --rehearse-on "$BRANCH_DATABASE_URL" --git-base "$base" \
  --report "$out/review.md" --json "$out/review.json" 2>&1 | tee "$out/db-check.log"
status=${PIPESTATUS[0]}

if [ ! -s "$out/review.md" ]; then
  {
    echo '<!-- bookshelf:review-report -->'
    echo '## Migration review'
    echo
    echo "❌ db:check stopped (exit $status) before writing the report. Its last lines:"
    echo
    echo '```'
    tail -n 20 "$out/db-check.log"
    echo '```'
  } > "$out/review.md"
fi
exit "$status"
