#!/usr/bin/env bash
# Sets Heirloom up from a fresh clone: npm packages (Electron's binary download skipped where it
# cannot be fetched; the optional native TensorFlow packages may fail without failing the install),
# then builds. With --with-browser it also installs Debian's Chromium for the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--with-browser" ]] && ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: Chromium not found; install it so the end-to-end tests can run" >&2
  fi
fi
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
npm ci --no-audit --no-fund
npm run build
