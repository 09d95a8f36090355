#!/usr/bin/env bash
# Formats every C++ source (tracked or new) with the pinned clang-format (14). With --check, fails on any diff.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(-i)
[[ "${1:-}" == "--check" ]] && mode=(--dry-run --Werror)
git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' | xargs clang-format "${mode[@]}"
