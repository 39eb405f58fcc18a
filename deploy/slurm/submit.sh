#!/bin/bash
# Submits a split aimak run to Slurm (docs/shards.md):
#   round 1   an array of K shards                      (shard.sbatch, --array=0-(K-1))
#   merge     after round 1, whatever its outcome      (merge.sbatch, afterany)
#   round 2   the same array with --refine              (afterok: merge; a no-op if nothing needs it)
#   merge     the final merge                           (afterany: round 2, afterok: merge)
# If a shard fails, the first merge names it and exits 1 (the jobs after it are cancelled);
# submit again with ARRAY set to the shards it names: ARRAY=2,5 submit.sh ... The other parts
# are kept and reused. If a shard of round 2 fails, the final merge names it: submit
# ROUND=2 ARRAY=... submit.sh ..., which submits only round 2 and the final merge.
#
# Usage: submit.sh SCENARIO PATHS SHARDS PART_DIR OUT_DIR
# Environment: AIMAK (the aimak binary, default `aimak` on PATH), AIMAK_SEED, AIMAK_FLAGS
# (options that change results, the same for every shard), ARRAY (the tasks to submit,
# default 0-(K-1)), ROUND (2: only round 2 and the final merge), AIMAK_LOGS (job logs, default PART_DIR/logs); sbatch's own SBATCH_PARTITION,
# SBATCH_TIMELIMIT, SBATCH_ACCOUNT and so on.
set -euo pipefail
if [ $# -ne 5 ]; then
  sed -n '2,20p' "$0" >&2
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
export AIMAK_SCENARIO=$1 AIMAK_PATHS=$2 AIMAK_SHARDS=$3 AIMAK_PARTS=$4 AIMAK_OUT=$5
export AIMAK=${AIMAK:-aimak}
last=$((AIMAK_SHARDS - 1))
logs=${AIMAK_LOGS:-$AIMAK_PARTS/logs}
mkdir -p "$AIMAK_PARTS" "$logs"
id() { cut -d';' -f1; }
if [ "${ROUND:-1}" = 2 ]; then
  r2=$(AIMAK_ROUND=2 sbatch --parsable --array="${ARRAY:-0-$last}" \
    --output="$logs/round2-%A_%a.out" "$here/shard.sbatch" | id)
  m2=$(sbatch --parsable --dependency="afterany:$r2" --kill-on-invalid-dep=yes \
    --output="$logs/merge2-%j.out" "$here/merge.sbatch" | id)
  echo "round 2: job $r2; final merge: job $m2"
  echo "logs: $logs"
  exit 0
fi
r1=$(sbatch --parsable --array="${ARRAY:-0-$last}" --output="$logs/round1-%A_%a.out" \
  "$here/shard.sbatch" | id)
m1=$(sbatch --parsable --dependency="afterany:$r1" --kill-on-invalid-dep=yes \
  --output="$logs/merge1-%j.out" "$here/merge.sbatch" | id)
r2=$(AIMAK_ROUND=2 sbatch --parsable --array="0-$last" --dependency="afterok:$m1" \
  --kill-on-invalid-dep=yes --output="$logs/round2-%A_%a.out" "$here/shard.sbatch" | id)
m2=$(sbatch --parsable --dependency="afterok:$m1,afterany:$r2" --kill-on-invalid-dep=yes \
  --output="$logs/merge2-%j.out" "$here/merge.sbatch" | id)
echo "round 1: job $r1; merge: job $m1; round 2: job $r2; final merge: job $m2"
echo "logs: $logs"
