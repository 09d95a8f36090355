#!/usr/bin/env bash
# Quick start, command 2: installs what is missing, builds the tests under AddressSanitizer and
# UBSan, and runs every test with ctest. Extra arguments go to ctest (e.g. -R engine).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh sanitize
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd build-sanitize
ctest --output-on-failure --parallel "$(nproc)" "$@"
