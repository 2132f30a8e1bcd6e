#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs them.
#
#   scripts/fuzz.sh                 every target for 60 s each
#   scripts/fuzz.sh rules 600       one target for 600 s
#
# Targets: rules expr decimal csv record fast line (tests/fuzz/fuzz_*.c).  The
# corpus grows in build-fuzz/corpus/TARGET, seeded from
# tests/fuzz/seeds/TARGET and tests/fuzz/regressions/TARGET; a crash is
# written to build-fuzz/artifacts/.  Add every crash, once fixed, to
# tests/fuzz/regressions/TARGET: the test suite replays that folder.
set -euo pipefail
cd "$(dirname "$0")/.."
for p in clang libclang-rt-14-dev libyaml-dev; do
  if ! dpkg -s "$p" >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] && s="" || s=sudo
    $s apt-get update -qq && $s apt-get install -y -qq clang libclang-rt-14-dev libyaml-dev >/dev/null
    break
  fi
done

targets=(rules expr decimal csv record fast line)
[ $# -ge 1 ] && targets=("$1")
seconds=${2:-60}
mkdir -p build-fuzz/artifacts
flags=(-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=undefined -Iinclude -Ilib -Itools/quotalevy
       -DQL_SOURCE_DIR="\"$PWD\"" -D_GNU_SOURCE)
for t in "${targets[@]}"; do
  extra=()
  [ "$t" = csv ] && extra=(tools/quotalevy/csv.c tools/quotalevy/jsonl.c tools/quotalevy/strbuf.c)
  clang "${flags[@]}" tests/fuzz/fuzz_"$t".c lib/*.c "${extra[@]}" -lyaml \
    -o build-fuzz/fuzz_"$t"
  mkdir -p build-fuzz/corpus/"$t"
  echo "== fuzz_$t for ${seconds}s"
  build-fuzz/fuzz_"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/"$t"- \
    build-fuzz/corpus/"$t" tests/fuzz/seeds/"$t" tests/fuzz/regressions/"$t" \
    2>&1 | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|==.*ERROR|SUMMARY|artifact)" || true
  if ls build-fuzz/artifacts/"$t"-* >/dev/null 2>&1; then
    echo "fuzz_$t: found a problem: see build-fuzz/artifacts/" >&2
    exit 1
  fi
done
