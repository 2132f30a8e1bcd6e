#!/usr/bin/env bash
# The main job on the bundled example data: builds quotalevy if needed and
# evaluates the example units, printing a table of outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/examples/levy_table tests/rules/base.yaml examples/units.txt "$@"
