#!/usr/bin/env bash
# Reproduces base model v3 from ../shared/datasets/photos with Debian's PyTorch
# (apt-get install python3-torch python3-pil python3-numpy; run with /usr/bin/python3).
#
# The ablation is part of the recipe: v3 with the pretrained MobileNetV2 encoder (nsfwjs@4.4.0, MIT)
# and v3 without it train side by side, one thread each, on the same data, crops, hints and
# schedule, for the same process CPU time — so together they use both cores and the comparison is
# fair. The held-out sources (pedestrian, indoorsample, clothing) and the sha1 validation split are
# never trained on. Resumable: re-running continues each run from runs/<name>/checkpoint.pt, or on a
# fresh machine from the checkpoint committed in training/checkpoints/.
#   bash training/reproduce.sh [CPU-minutes per run, default 480]
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET="${1:-480}"
mkdir -p runs/nsfwjs
if [[ ! -d runs/nsfwjs/package ]]; then
  # The encoder's weights ship inside the npm tarball; nothing is fetched at run time by the app.
  (cd runs/nsfwjs && npm pack nsfwjs@4.4.0 >/dev/null && tar xzf nsfwjs-4.4.0.tgz)
fi
COMMON="--threads 1 --crop 160 --batch 16 --hold-out-sources --hint-p-none 0.3 --hint-uniform --cpu-minutes $BUDGET --snapshot-every 15"
/usr/bin/python3 training/train.py --arch heirloom3 --out runs/v3-enc --seed-checkpoint training/checkpoints/v3-enc.pt $COMMON >> runs/v3-enc.out 2>&1 &
/usr/bin/python3 training/train.py --arch heirloom --out runs/v3-noenc --seed-checkpoint training/checkpoints/v3-noenc.pt $COMMON >> runs/v3-noenc.out 2>&1 &
wait
npm run build
for RUN in v3-enc v3-noenc; do
  rm -rf "runs/$RUN/export" "runs/heirloom-$RUN"
  /usr/bin/python3 training/export.py --run "runs/$RUN" --out "runs/$RUN/export"
  node dist/scripts/import-torch.js "runs/$RUN/export" "runs/heirloom-$RUN" --name "Heirloom base ($RUN)" --version 3.0.0
done
echo "Compare on the tune halves only: heirloom eval ../shared/datasets/photos --split sources-tune --model runs/heirloom-v3-enc (and v3-noenc, and --split validation-tune)"
