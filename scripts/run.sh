#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds, and runs the main job.
# The main job loads the registry records into the store and prints what it holds. Until the
# registry refresh lands it imports a local directory: $TRIALMATCH_IMPORT_DIR, by default the
# shared ClinicalTrials.gov fixtures beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
export TRIALMATCH_DB=${TRIALMATCH_DB:-$PWD/build/trials.db}
source_dir=${TRIALMATCH_IMPORT_DIR:-$PWD/../shared/fixtures/ctgov}
echo "importing $source_dir into $TRIALMATCH_DB" >&2
status=0
build/cli/trialmatch import "$source_dir" || status=$?
build/cli/trialmatch stats
exit "$status"
