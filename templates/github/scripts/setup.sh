#!/usr/bin/env bash
# CI step "install": the project's dependencies (npm ci's postinstall builds
# the pinned Atlas) and the pinned Go tools (oasdiff for the review report).
set -euo pipefail
cd "$(dirname "$0")/../../.."
npm ci --no-audit --no-fund
npm run tools:build
