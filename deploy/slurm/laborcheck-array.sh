#!/bin/bash
# One review split into 8 shards as a Slurm job array, then merged by a job
# that starts once every shard has succeeded. Submit with:
#
#   jid=$(sbatch --parsable deploy/slurm/laborcheck-array.sh)
#   sbatch --dependency=afterok:$jid deploy/slurm/laborcheck-merge.sh
#
# Array task ids count from 0, as -shard does. Every task lists the same
# rosters (run from the same folder on a shared file system) and reviews
# its own share; to change the number of shards, change --array and SHARDS
# together. A task exits 0 once its partial result is written, 2 if it
# could not run.
#SBATCH --job-name=laborcheck-shards
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=02:00:00
#SBATCH --output=logs/shard-%a.out
set -euo pipefail

SHARDS=8
# The key for the hashes of passport and bank numbers: one secret for all
# shards, in a file only you can read (make it once with
# `head -c 32 /dev/urandom | base64 > ~/.config/laborcheck/shard-key`).
KEY="$HOME/.config/laborcheck/shard-key"

laborcheck scan -as-of 2026-11-30 -shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" -shard-key "$KEY" -partial "partials/shard-${SLURM_ARRAY_TASK_ID}.partial" rosters/
