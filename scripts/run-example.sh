#!/usr/bin/env bash
# The main job on the bundled example data: builds quotalevy if needed,
# then computes Jilin's 2024 levy and quota checks for the ~50 example
# units of examples/jilin-units.csv.  Results go to out/jilin-levy.csv,
# rejected rows (with their line, column and reason) to
# out/jilin-rejects.csv, exact totals to out/jilin-summary.csv (printed at
# the end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p out
status=0
build/tools/quotalevy run rules/cn/jilin.yaml examples/jilin-units.csv \
  --date 2024-06-30 --keep name --summary out/jilin-summary.csv \
  -o out/jilin-levy.csv --rejects out/jilin-rejects.csv "$@" || status=$?
echo
echo "== out/jilin-levy.csv (id, name, required, shortfall, levy due, compliant), first rows:"
cut -d, -f1,2,4,6,13,36 out/jilin-levy.csv | head -n 16
echo "…"
echo "== out/jilin-rejects.csv:"
cat out/jilin-rejects.csv
echo "== out/jilin-summary.csv (exact totals of what adds up):"
cat out/jilin-summary.csv
# 1 means "some rows were rejected", which the example data does on purpose.
[ "$status" -le 1 ] || exit "$status"
