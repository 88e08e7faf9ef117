#!/usr/bin/env bash
# Debian's Chromium for the Temporal UI check (playwright-core drives it by executablePath).
# Installed once; a second run finds it.
set -euo pipefail
for c in "${HLX_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [[ -n "$c" && -x "$c" ]]; then exit 0; fi
done
echo "==> installing Debian's chromium (once) for the Temporal UI check"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "error: chromium is missing and this user cannot install packages." >&2
    echo "       install it (apt-get install chromium) or set HLX_CHROMIUM to a Chromium binary." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium >/dev/null; }
test -x /usr/bin/chromium || { echo "error: apt-get did not install /usr/bin/chromium" >&2; exit 1; }
