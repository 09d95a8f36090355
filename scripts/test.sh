#!/usr/bin/env bash
# Quick start, command 2: installs what is missing, builds the tests under AddressSanitizer and
# UBSan, and runs every test with ctest. Extra arguments go to ctest (e.g. -R engine).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The HTML report is checked in headless Chromium; without it that one test is skipped and says
# why, so a failed install does not stop the others.
if ! command -v chromium >/dev/null 2>&1; then
    scripts/install-deps.sh --browser ||
        echo "test: could not install chromium; the HTML report check will be skipped" >&2
fi
scripts/build.sh sanitize
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd build-sanitize
ctest --output-on-failure --parallel "$(nproc)" "$@"
