#!/usr/bin/env bash
# Reproduces the shipped base model v3 (models/heirloom-base-v3) from ../shared/datasets/photos with Debian's PyTorch
# (apt-get install python3-torch python3-pil python3-numpy; run with /usr/bin/python3).
#
# v3 is the network with the pretrained MobileNetV2 encoder (nsfwjs@4.4.0, MIT). It was chosen by an
# ablation against the same network without it, trained side by side on the same data, crops, hints
# and schedule to the same process CPU time (85 minutes; model card). The held-out sources
# (pedestrian, indoorsample, clothing) and the sha1 validation split are never trained on.
# Resumable: re-running continues from runs/v3-enc/checkpoint.pt, or on a fresh machine from the
# checkpoint committed in training/checkpoints/.
#   bash training/reproduce.sh [CPU-minutes, default 480]
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET="${1:-480}"
mkdir -p runs/nsfwjs
if [[ ! -d runs/nsfwjs/package ]]; then
  # The encoder's weights ship inside the npm tarball; nothing is fetched at run time by the app.
  (cd runs/nsfwjs && npm pack nsfwjs@4.4.0 >/dev/null && tar xzf nsfwjs-4.4.0.tgz)
fi
COMMON="--threads 1 --crop 160 --batch 16 --hold-out-sources --hint-p-none 0.3 --hint-uniform --cpu-minutes $BUDGET --snapshot-every 15"
# The ablation ran both to 85 CPU-minutes (model card) and chose v3-enc; from there only v3-enc trains.
# One thread: two threads in one process spent 1.7× the CPU per step on this busy 2-core machine.
# To repeat the ablation, run v3-noenc the same way beside it: --arch heirloom --out runs/v3-noenc
# --seed-checkpoint training/checkpoints/v3-noenc.pt (its budget ends where v3-enc's comparison point is).
/usr/bin/python3 training/train.py --arch heirloom3 --out runs/v3-enc --seed-checkpoint training/checkpoints/v3-enc.pt $COMMON >> runs/v3-enc.out 2>&1
/usr/bin/python3 training/keep_checkpoint.py v3-enc
npm run build
# Export and import into tfjs (with parity fixtures), write the pool summary fine-tuning's archive gate
# compares against, then choose the decode on the tune halves only (sha1 and held-out sources): the
# setting whose worst target margin over both halves is largest, written into heirloom.json.
OUT=models/heirloom-base-v3
rm -rf runs/v3-enc/export-final "$OUT"
/usr/bin/python3 training/export.py --run runs/v3-enc --out runs/v3-enc/export-final
node dist/scripts/import-torch.js runs/v3-enc/export-final "$OUT" --name "Heirloom base" --version 3.0.0
node dist/scripts/pool-embedding.js "$OUT"
node dist/scripts/tune-decode.js "$OUT" --limit 100 --beat models/heirloom-base-v2 --T 0.38,0.5 --alpha 0.5,0.75,1 --lift 0,10 --write
