#!/bin/sh
# One review split into N shards run side by side on one machine with
# `xargs -P`, then merged: the same partial results a cluster would make.
#
#   deploy/local/xargs-shards.sh rosters/ 8 4     # 8 shards, 4 at a time
#
# Each shard is a separate process; for a single machine, one
# `laborcheck scan` (which reads files side by side) does as well. This
# is the way to check a cluster set-up on a workstation.
set -eu

ROSTERS=${1:?usage: xargs-shards.sh ROSTERS [SHARDS] [PARALLEL]}
SHARDS=${2:-4}
PARALLEL=${3:-2}
mkdir -p partials reports
rm -f partials/*.partial
# The key for the hashes of passport and bank numbers in the partial
# results: one secret for every shard, made once and kept beside them.
KEY=${KEY:-shard-key}
if [ ! -s "$KEY" ]; then
  (umask 077 && head -c 32 /dev/urandom | base64 >"$KEY")
fi

# A shard exits 0 whatever it found; xargs stops at the first that fails.
seq 0 $((SHARDS - 1)) | xargs -P "$PARALLEL" -I{} \
  laborcheck scan -as-of 2026-11-30 -workers 1 -shard {}/"$SHARDS" -shard-key "$KEY" -partial partials/shard-{}.partial "$ROSTERS"

laborcheck merge -o reports/review.xlsx -o reports/review.json -o reports/review.html partials/
