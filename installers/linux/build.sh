#!/usr/bin/env bash
# Build a portable Linux bundle: dist/sova-linux-x86_64.tar.gz
set -euo pipefail
cd "$(dirname "$0")/../.."
make setup
.venv/bin/pip install -q ".[build]"
.venv/bin/pyinstaller --noconfirm build.spec
cp installers/linux/sova.desktop dist/sova/
tar -C dist -czf dist/sova-linux-x86_64.tar.gz sova
echo "dist/sova-linux-x86_64.tar.gz"
