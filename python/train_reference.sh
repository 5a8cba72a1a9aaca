#!/usr/bin/env bash
# Reproduces the shipped bundle models/reference from nothing but this repository:
#   1. builds the shaded jar (skipped when target/triage.jar exists),
#   2. writes the synthetic dataset with Java's DatasetWriter, i.e. with the same decoding and preprocessing
#      code that serves (skipped when $DATA/dataset.json exists),
#   3. trains the late-fusion model and exports the bundle (TorchScript modules, model.json, report, fixtures)
#      with Debian's PyTorch (/usr/bin/python3: torch 1.13, torchaudio, torchvision).
# Everything is seeded; the same dataset gives the same bundle bytes. Takes ~5 min of training on 2 cores.
#
# Usage: python/train_reference.sh [DATA_DIR] [OUT_DIR]   (defaults: work-data/dataset, models/reference)
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${1:-work-data/dataset}
OUT=${2:-models/reference}
SEED=20261125
PYTHON=/usr/bin/python3

if [ ! -f "$DATA/dataset.json" ]; then
  if [ ! -f target/triage.jar ]; then
    mvn -q -B -o package -DskipTests
  fi
  java -cp target/triage.jar dev.triage.demo.DatasetWriter --out "$DATA" --train 6000 --test 1500 --seed "$SEED"
fi

"$PYTHON" python/train.py --data "$DATA" --out "$OUT" --seed "$SEED" --threads 1
