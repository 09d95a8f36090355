#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds, and runs the main job.
# The main job refreshes melanoma trials from ClinicalTrials.gov into the store and prints what
# the store holds. Offline, it imports a local directory of registry JSON instead: the one named
# in $TRIALMATCH_IMPORT_DIR, or, when the registry cannot be reached, the real records in
# ../shared/fixtures/ctgov beside the checkout. Then it assesses the bundled example patient
# ($TRIALMATCH_PATIENT, default data/examples/confirmed_acquired_resistance.json): progression and
# resistance status from the treatment and scan timeline, and ranks the trials that patient can
# (or may) enter, with the questions that decide the most of them; last, the shortlists of all
# the example patients as an HTML report (build/shortlists.html).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
export TRIALMATCH_DB=${TRIALMATCH_DB:-$PWD/build/trials.db}
trialmatch=build/cli/trialmatch
status=0
if [[ -n "${TRIALMATCH_IMPORT_DIR:-}" ]]; then
    echo "importing $TRIALMATCH_IMPORT_DIR into $TRIALMATCH_DB" >&2
    "$trialmatch" import "$TRIALMATCH_IMPORT_DIR" || status=$?
elif "$trialmatch" refresh --condition melanoma \
        --status RECRUITING,NOT_YET_RECRUITING,ACTIVE_NOT_RECRUITING --retry-for 60; then
    :
else
    fallback=$PWD/../shared/fixtures/ctgov
    echo "the registry could not be reached; importing $fallback instead" >&2
    "$trialmatch" import "$fallback" || status=$?
fi
"$trialmatch" stats
patient=${TRIALMATCH_PATIENT:-data/examples/confirmed_acquired_resistance.json}
echo
echo "assessing the example patient $patient" >&2
"$trialmatch" assess --patient "$patient" || status=$?
echo
echo "matching the example patient $patient" >&2
"$trialmatch" match --patient "$patient" || status=$?
echo
echo "shortlisting every example patient into build/shortlists.html" >&2
"$trialmatch" shortlist data/examples --no-save --out build/shortlists.html || status=$?
exit "$status"
