#!/usr/bin/env bash
# Validation ΔE00 against CPU time: every weight snapshot of a run (runs/<run>/snapshot-<cpu-min>.pt,
# one per 15 CPU-minutes) is exported, imported into tfjs and measured with `heirloom eval` on a fixed
# spread of photos from both TUNE halves (sha1 split and held-out sources), default decode.
#   bash training/curve.sh <run> [photos per half, default 100]
# Results: training/curve/<run>/<cpu-min>-<split>.json (committed, so the curve grows across sessions);
# plot with training/plot_curve.py.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN="$1"
LIMIT="${2:-100}"
mkdir -p "training/curve/$RUN" "runs/$RUN/curve"
for SNAP in runs/"$RUN"/snapshot-*.pt; do
  MIN=$(basename "$SNAP" .pt | sed 's/snapshot-//')
  for SPLIT in validation-tune sources-tune; do
    OUT="training/curve/$RUN/$MIN-$SPLIT.json"
    [[ -f "$OUT" ]] && continue
    TMP="runs/$RUN/curve/tmp-$MIN"
    if [[ ! -d "$TMP/model" ]]; then
      rm -rf "$TMP"
      /usr/bin/python3 training/export.py --run "runs/$RUN" --checkpoint "$(basename "$SNAP")" --out "$TMP/export" >/dev/null
      node dist/scripts/import-torch.js "$TMP/export" "$TMP/model" --name "$RUN at $MIN CPU-min" >/dev/null
    fi
    node bin/heirloom.js eval ../shared/datasets/photos --split "$SPLIT" --limit "$LIMIT" --model "$TMP/model" --json > "$OUT.tmp"
    mv "$OUT.tmp" "$OUT"
  done
done
echo "curve points in training/curve/$RUN/"
