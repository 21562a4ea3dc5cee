#!/usr/bin/env bash
# Installs Debian's chromium for the browser test (tests/browser: TensorBoard over exprun in
# headless Chromium, driven by Playwright through executable_path, so Playwright downloads no
# browser of its own). Does nothing when chromium is already on PATH. Needs root (apt-get).
set -euo pipefail

if command -v chromium >/dev/null; then
  echo "chromium: installed"
else
  if [[ $EUID -ne 0 ]]; then
    echo "needs root: apt-get install chromium" >&2
    exit 1
  fi
  apt-get update -q
  # The browser and its libraries only: no recommended extras (fonts beyond the defaults, drivers).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
fi
chromium --version 2>/dev/null
