#!/usr/bin/env bash
# The shortlist's HTML report in a real browser (Debian's headless Chromium): the page loads
# without console or resource errors, every patient has a section and a timeline drawing, it
# prints one patient per page at least, and a screenshot of the first patient is left for review.
#
#   check_html_report.sh TRIALMATCH_BIN SHARED_CTGOV_DIR EXAMPLES_DIR OUT_DIR
#
# Exits 77 (ctest: skipped) with the reason when no Chromium is installed.
set -euo pipefail
bin=$1 ctgov=$2 examples=$3 out=$4

browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then
        browser=$(command -v "$candidate")
        break
    fi
done
if [[ -z "$browser" ]]; then
    echo "SKIPPED: no Chromium on this machine (scripts/test.sh installs Debian's chromium when it can)"
    exit 77
fi

rm -rf "$out"
mkdir -p "$out"
export TRIALMATCH_DB="$out/trials.db"
trials=()
for id in NCT05837767 NCT07445022 NCT06624644 NCT06413680 NCT06940739 NCT05830058 NCT04899908; do
    trials+=("$ctgov/studies_partial/$id.json")
done
"$bin" --no-progress import "${trials[@]}" >/dev/null

patients=$(find "$examples" -maxdepth 1 -name '*.json' | wc -l)
"$bin" --no-progress shortlist "$examples" --as-of 2025-06-20 --top 5 --no-save \
    --out "$out/report.html" 2>"$out/shortlist.err"
first=$(find "$examples" -maxdepth 1 -name '*.json' | sort | head -n 1)
"$bin" --no-progress shortlist "$first" --as-of 2025-06-20 --top 5 --no-save \
    --out "$out/first-patient.html" 2>>"$out/shortlist.err"

run_browser() {
    # Headless in a container: no sandbox, no GPU; the D-Bus complaints are noise.
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --no-first-run --enable-logging=stderr --v=0 "$@"
}
fail() {
    echo "FAILED: $*"
    exit 1
}

run_browser --dump-dom "file://$out/report.html" >"$out/dom.html" 2>"$out/browser.log" ||
    fail "Chromium could not load the report (see $out/browser.log)"
if grep -E "CONSOLE|Failed to load resource|Uncaught|net::ERR_" "$out/browser.log"; then
    fail "the page logged errors"
fi
sections=$(grep -o '<section class="patient"' "$out/dom.html" | wc -l)
drawings=$(grep -o '<svg[^>]*class="timeline"' "$out/dom.html" | wc -l)
[[ "$sections" -eq "$patients" ]] || fail "$sections patient sections for $patients patients"
[[ "$drawings" -eq "$patients" ]] || fail "$drawings timeline drawings for $patients patients"

run_browser --print-to-pdf="$out/report.pdf" --no-pdf-header-footer "file://$out/report.html" \
    >/dev/null 2>>"$out/browser.log" || fail "Chromium could not print the report"
pages=$(grep -a -o '/Count [0-9]*' "$out/report.pdf" | awk '{print $2}' | sort -n | tail -n 1)
[[ "${pages:-0}" -gt "$patients" ]] ||
    fail "the printed report has ${pages:-0} pages for $patients patients (one per patient + summary)"

run_browser --window-size=1100,1600 --screenshot="$out/first-patient.png" \
    "file://$out/first-patient.html" >/dev/null 2>>"$out/browser.log" ||
    fail "Chromium could not take the screenshot"
[[ -s "$out/first-patient.png" ]] || fail "no screenshot"
echo "report: $out/report.html ($patients patients, $pages printed pages)"
echo "screenshot of the first patient: $out/first-patient.png"
