#!/usr/bin/env bash
# Configures and builds trialmatch. Usage: scripts/build.sh [release|sanitize]
#   release  (default) optimised build in build/, what the quick start runs
#   sanitize debug build with AddressSanitizer + UBSan in build-sanitize/, what the tests run
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
case "$kind" in
    release)  dir=build;          flags=(-DCMAKE_BUILD_TYPE=Release -DTRIALMATCH_BUILD_TESTS=OFF -DTRIALMATCH_BUILD_BENCH=ON) ;;
    sanitize) dir=build-sanitize; flags=(-DCMAKE_BUILD_TYPE=Debug -DTRIALMATCH_SANITIZE=ON -DTRIALMATCH_BUILD_TESTS=ON -DTRIALMATCH_BUILD_BENCH=OFF) ;;
    *) echo "usage: $0 [release|sanitize]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" "${flags[@]}" >/dev/null
cmake --build "$dir" --parallel "$(nproc)"
