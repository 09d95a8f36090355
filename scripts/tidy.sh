#!/usr/bin/env bash
# Runs clang-tidy (14) with .clang-tidy over the project's sources. Usage: scripts/tidy.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
git ls-files "engine/*.cpp" "connectors/*.cpp" "data/*.cpp" "cli/*.cpp" | xargs clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option
