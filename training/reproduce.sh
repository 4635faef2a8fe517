#!/usr/bin/env bash
# Reproduces the shipped models from ../shared/datasets/photos with Debian's PyTorch
# (apt-get install python3-torch python3-pil python3-numpy; run with /usr/bin/python3).
# Both networks get the same budget of process CPU time on one thread, so the comparison is fair.
# The shipped weights were trained in two legs — 70 CPU-minutes, then extended to 130 (the cosine
# learning-rate schedule restarts over the longer budget) — which is the default below.
# Resumable: re-running continues each run from its last checkpoint (runs/<name>/checkpoint.pt).
#   bash training/reproduce.sh ["70 130"]
set -euo pipefail
cd "$(dirname "$0")/.."
LEGS="${1:-70 130}"
mkdir -p runs
for MINUTES in $LEGS; do
  /usr/bin/python3 training/train.py --arch heirloom --out runs/base --cpu-minutes "$MINUTES" --threads 1 >> runs/base.out 2>&1 &
  /usr/bin/python3 training/train.py --arch beta --out runs/beta --cpu-minutes "$MINUTES" --threads 1 >> runs/beta.out 2>&1 &
  wait
done
rm -rf runs/base/export runs/beta/export runs/heirloom-base-v1 runs/seeds-beta-v1
/usr/bin/python3 training/export.py --run runs/base --out runs/base/export
/usr/bin/python3 training/export.py --run runs/beta --out runs/beta/export
npm run build
node dist/scripts/import-torch.js runs/base/export runs/heirloom-base-v1 --name "Heirloom base"
node dist/scripts/import-torch.js runs/beta/export runs/seeds-beta-v1 --name "Seeds beta (comparison)"
# Decoding (temperature, prior correction, chroma gain) is chosen on the validation split's tune half only.
node dist/scripts/tune-decode.js runs/heirloom-base-v1 --limit 120 --T 0.25,0.3,0.38 --alpha 0.2,0.3,0.4 --sat 1.1,1.25,1.4 --write
echo "New models in runs/; measure on the report half: heirloom eval ../shared/datasets/photos --split validation-report --model runs/heirloom-base-v1"
