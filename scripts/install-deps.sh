#!/usr/bin/env bash
# Installs the Debian 12 packages trialmatch needs, and only those that are missing.
# Idempotent: a second run installs nothing. Works as root and through sudo.
set -euo pipefail

packages=(
    g++ cmake make pkg-config
    libboost-graph-dev rapidjson-dev libcurl4-openssl-dev libsqlitecpp-dev libsqlite3-dev
    catch2 libcli11-dev libfmt-dev libzip-dev zlib1g-dev
    python3 zip
)
# --browser: Debian's Chromium instead, for the test of the HTML report (scripts/test.sh).
if [[ "${1:-}" == "--browser" ]]; then
    packages=(chromium)
fi

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$package")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all ${#packages[@]} packages present" >&2
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "install-deps: missing packages (${missing[*]}) and neither root nor sudo available" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
