#!/usr/bin/env bash
# Build the Linux one-folder bundle (dist/desktop-crm/) with installer/desktop-crm.spec and run
# the bundled app's self-test offscreen. Installs the "build" extra into .venv first.
# Used by .ci/run after the tests; see installer/README.md.
source "$(dirname "$0")/../scripts/_setup.sh"   # Debian packages (binutils: objdump), .venv
stamp=.venv/.installed-build
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q -e ".[build]"
  touch "$stamp"
fi

t0=$(date +%s)
.venv/bin/pyinstaller --noconfirm --log-level WARN installer/desktop-crm.spec
t1=$(date +%s)
echo "bundle: built in $((t1 - t0)) s, $(du -sh dist/desktop-crm | cut -f1) in dist/desktop-crm"
QT_QPA_PLATFORM=offscreen dist/desktop-crm/desktop-crm --self-test
echo "bundle: self-test passed in $(($(date +%s) - t1)) s"
