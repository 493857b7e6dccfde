#!/bin/bash
# The merge of the review laborcheck-array.sh runs (see there). It exits as
# scan does: 1 when findings are at or above -fail-on, with the reports
# written; 2 when the set of partial results is incomplete or mixed.
#SBATCH --job-name=laborcheck-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=01:00:00
#SBATCH --output=logs/merge.out
set -uo pipefail

mkdir -p reports
laborcheck merge -fail-on high -o reports/2026-11.xlsx -o reports/2026-11.json -o reports/2026-11.html partials/
