#!/usr/bin/env bash
# Regenerates the tables and learning curves of docs/RESULTS.md from the train dirs of its
# commands (default: runs/<name>, as in the commands there; RUNS=/elsewhere to point at them).
# Tables go to stdout (markdown); plots are written to docs/results/.
#
#   RUNS=runs bash tools/results/results.sh > /tmp/tables.md
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-runs}

# Learning curves by `seqrec plot`: flags (each with a value), then label=dir runs; the first run
# is plot's --train_dir, the others are drawn beside it.
plot() {
  local args=() runs=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --*) args+=("$1" "$2"); shift 2 ;;
      *) runs+=("$1"); shift ;;
    esac
  done
  node packages/seqrec-cli/bin/seqrec.js plot "${args[@]}" --train_dir "${runs[0]#*=}" --label "${runs[0]%%=*}" \
    "${runs[@]:1}"
}

for dataset in ml100k ml1m; do
  runs=(
    "SASRec=$RUNS/$dataset-sasrec"
    "SASRec+mHC=$RUNS/$dataset-sasrec_mhc"
    "TiSASRec (hour)=$RUNS/$dataset-tisasrec_hour"
    "TiSASRec (personal)=$RUNS/$dataset-tisasrec_personal"
    "TiSASRec+mHC (hour)=$RUNS/$dataset-tisasrec_mhc"
  )
  # ml-1m only: SASRec trained by PyTorch (tools/pytorch-reference) and evaluated by seqrec, and
  # SASRec again with another --seed (how far training noise alone moves a model).
  if [ $dataset = ml1m ]; then
    runs+=("SASRec, PyTorch reference=$RUNS/ml1m-sasrec-pytorch" "SASRec, seed 2=$RUNS/ml1m-sasrec-seed2")
  fi
  present=()
  for r in "${runs[@]}"; do
    if grep -qs '"type":"eval"' "${r#*=}/metrics.jsonl"; then present+=("$r"); else echo "results.sh: ${r#*=}: no evaluation yet, left out" >&2; fi
  done
  [ ${#present[@]} -gt 0 ] || continue
  if [ $dataset = ml100k ]; then name=ml100k; title="ML-100K, maxlen 50"; else name=ml1m-partial; title="ml-1m-partial, maxlen 200"; fi
  echo "## $title"
  echo
  node tools/results/results-table.js --curves "${present[@]}"
  echo
  for protocol in sampled full; do
    plot --out "docs/results/$name-valid-ndcg10-$protocol.svg" --metric NDCG@10 --split valid \
      --protocol $protocol --title "$title: valid NDCG@10 ($protocol)" "${present[@]}"
    plot --out "docs/results/$name-valid-ndcg10-$protocol-from60.svg" --metric NDCG@10 \
      --split valid --protocol $protocol --from_epoch 60 --title "$title: valid NDCG@10 ($protocol), epoch 60 on" \
      "${present[@]}"
  done
done

# SASRec continued past 200 epochs (`--resume --num_epochs 300` on a copy of its 200-epoch dir),
# with the PyTorch reference and the 200-epoch run it continues (same curve up to epoch 200).
if grep -qs '"type":"eval","epoch":220,' "$RUNS/ml1m-sasrec-300/metrics.jsonl"; then
  title="ml-1m-partial, maxlen 200, SASRec past 200 epochs"
  echo "## $title"
  echo
  longer=("SASRec, 300 epochs=$RUNS/ml1m-sasrec-300" "SASRec, PyTorch reference=$RUNS/ml1m-sasrec-pytorch")
  node tools/results/results-table.js "SASRec=$RUNS/ml1m-sasrec" "${longer[@]}"
  echo
  for protocol in sampled full; do
    plot --out "docs/results/ml1m-partial-300-valid-ndcg10-$protocol.svg" --metric NDCG@10 \
      --split valid --protocol $protocol --from_epoch 60 --title "$title: valid NDCG@10 ($protocol)" "${longer[@]}"
  done
fi

# Paired comparisons, from the per-user ranks of each best model (written by
# `seqrec eval --train_dir <dir> --ranks_out <dir>/ranks.csv`; runs without them are skipped).
compare() {
  local a="$RUNS/$1/ranks.csv" b="$RUNS/$2/ranks.csv"
  if [ -f "$a" ] && [ -f "$b" ]; then
    echo "### $3"
    echo
    node tools/results/compare-runs.js --split test "$a" "$b" | tail -n +4
    echo
  fi
}
echo "## Paired comparisons (test split)"
echo
for dataset in ml100k ml1m; do
  compare $dataset-sasrec $dataset-sasrec_mhc "$dataset: SASRec (A) vs SASRec+mHC (B)"
  compare $dataset-tisasrec_hour $dataset-tisasrec_mhc "$dataset: TiSASRec hour (A) vs TiSASRec+mHC hour (B)"
  compare $dataset-sasrec $dataset-tisasrec_hour "$dataset: SASRec (A) vs TiSASRec hour (B)"
  compare $dataset-sasrec $dataset-tisasrec_personal "$dataset: SASRec (A) vs TiSASRec personal (B)"
  compare $dataset-tisasrec_hour $dataset-tisasrec_personal "$dataset: TiSASRec hour (A) vs TiSASRec personal (B)"
done
compare ml1m-sasrec ml1m-sasrec-seed2 "ml1m: SASRec seed 1 (A) vs seed 2 (B)"
compare ml1m-sasrec-pytorch ml1m-sasrec "ml1m: SASRec trained by PyTorch (A) vs by seqrec (B)"
