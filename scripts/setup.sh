#!/usr/bin/env bash
# Sets Parley up on a Debian machine: the Debian packages in scripts/debian-packages.txt
# (skipped when all are present), then the npm packages from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t packages < <(grep -v '^\s*\(#\|$\)' scripts/debian-packages.txt)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get install -y --no-install-recommends "${missing[@]}" || {
    $sudo apt-get update
    $sudo apt-get install -y --no-install-recommends "${missing[@]}"
  }
fi

# onnxruntime-node must not fetch GPU libraries at install time (see .npmrc); the CPU
# runtime ships inside the package.
# node-llama-cpp: its postinstall would try to build llama.cpp from GitHub sources when the
# prebuilt binary (from npm, @node-llama-cpp/<platform>) fails its self-test; the root
# package.json sets "config.nodeLlamaCppPostinstall": "skip", and NODE_LLAMA_CPP_SKIP_DOWNLOAD
# says the same. The engine loads the prebuilt binary at run time with build: 'never'.
ONNXRUNTIME_NODE_INSTALL=skip NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm ci --no-audit --no-fund
