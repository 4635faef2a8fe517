#!/usr/bin/env bash
# Reproduces the shipped models from ../shared/datasets/photos with Debian's PyTorch
# (apt-get install python3-torch python3-pil python3-numpy; run with /usr/bin/python3).
# Both networks get the same budget of process CPU time on one thread, so the comparison is fair.
# Resumable: re-running continues each run from its last checkpoint (runs/<name>/checkpoint.pt).
#   bash training/reproduce.sh [cpu-minutes, default 90] [temperature, default from models/heirloom-base-v1]
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES="${1:-90}"
TEMP="${2:-$(node -e "console.log(require('./models/heirloom-base-v1/heirloom.json').output.temperature)")}"
mkdir -p runs
/usr/bin/python3 training/train.py --arch heirloom --out runs/base --cpu-minutes "$MINUTES" --threads 1 > runs/base.out 2>&1 &
/usr/bin/python3 training/train.py --arch beta --out runs/beta --cpu-minutes "$MINUTES" --threads 1 > runs/beta.out 2>&1 &
wait
/usr/bin/python3 training/export.py --run runs/base --out runs/base/export
/usr/bin/python3 training/export.py --run runs/beta --out runs/beta/export
npm run build
node dist/scripts/import-torch.js runs/base/export runs/heirloom-base-v1 --name "Heirloom base" --temperature "$TEMP"
node dist/scripts/import-torch.js runs/beta/export runs/seeds-beta-v1 --name "Seeds beta (comparison)"
echo "New models in runs/heirloom-base-v1 and runs/seeds-beta-v1; compare with: heirloom eval ../shared/datasets/photos --split validation --model runs/heirloom-base-v1"
