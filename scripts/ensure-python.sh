#!/usr/bin/env bash
# Installs the project's Python pieces (python/requirements.txt: the official Hyperliquid SDK the
# tests drive against the simulator, the example strategy's websockets) into .tools/pyvenv, once
# per change of the requirements file. Prints the interpreter's path on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.tools/pyvenv
REQ=python/requirements.txt
STAMP="$VENV/.requirements.sha256"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "$PWD/$VENV/bin/python"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "error: python3 is not installed; install it (Debian: apt-get install python3 python3-venv) and run again." >&2
  exit 1
fi
echo "==> installing the Python pieces ($REQ) into $VENV (once)" >&2
python3 -m venv "$VENV" >&2 || {
  echo "error: python3 -m venv failed; install the venv module (Debian: apt-get install python3-venv)." >&2
  exit 1
}
"$VENV/bin/pip" install --disable-pip-version-check -q -r "$REQ" >&2
echo "$want" > "$STAMP"
echo "$PWD/$VENV/bin/python"
