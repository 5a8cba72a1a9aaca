#!/usr/bin/env bash
# Builds the full-size variant bundle (torchvision ResNet-18 image encoder at 224 px, 512-wide; UNTRAINED: random
# init, fixed seed) with python/export.py, for `triage bench --model full`. About 45 MB, so it is not committed
# (models/full/ is in .gitignore). Skipped when OUT_DIR/model.json already exists.
#
# Usage: python/build_full_bundle.sh [OUT_DIR]   (default: models/full)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-models/full}
PYTHON=/usr/bin/python3

if [ -f "$OUT/model.json" ]; then
  echo "$OUT/model.json exists: not rebuilt"
  exit 0
fi
"$PYTHON" python/export.py --variant full --out "$OUT"
