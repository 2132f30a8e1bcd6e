#!/usr/bin/env bash
# Runs every test: the normal build's suite, then the whole suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== tests (build/)"
meson test -C build --print-errorlogs

echo "== tests under ASan + UBSan (build-asan/)"
if [ ! -f build-asan/build.ninja ]; then
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debug -Dpostgresql=disabled >/dev/null
fi
# The PostgreSQL extension is left out here: the server is not
# instrumented (its tests run in build/).  The Python and Lua bindings are
# in: their tests run with the sanitizers' runtimes preloaded into the
# uninstrumented python3 and lua5.4 (tests/meson.build,
# bindings/lua/meson.build).
meson configure build-asan -Dpostgresql=disabled -Dpython=enabled -Dlua=enabled >/dev/null
ninja -C build-asan >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  meson test -C build-asan --print-errorlogs

echo "== one rule set shared by threads, and the command's worker pool, under ThreadSanitizer (build-tsan/)"
if [ ! -f build-tsan/build.ninja ]; then
  meson setup build-tsan -Db_sanitize=thread -Dbuildtype=debug \
    -Dpython=disabled -Dpostgresql=disabled >/dev/null
fi
ninja -C build-tsan tests/test_threads tests/test_run_pool tools/quotalevy >/dev/null
TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_threads
TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_run_pool
# the run's pipeline (reading thread, workers, writer) end to end: a race
# reported exits 66, which the tests see as a failure
TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
  python3 tests/cli/test_pipeline.py build-tsan/tools/quotalevy .

echo "== the command's end-to-end tests under valgrind"
QL_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
  python3 tests/cli/test_cli.py build/tools/quotalevy .

echo "== the Lua binding's tests under valgrind too (the uninstrumented build's module)"
LUA_PATH="build/bindings/lua/?.lua" LUA_CPATH="build/bindings/lua/?.so" \
QL_SOURCE_DIR="$PWD" QL_CLI="$PWD/build/tools/quotalevy" QUOTALEVY_RULES_PATH="$PWD/rules" \
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  lua5.4 bindings/lua/tests/test_quotalevy.lua

echo "== the PostgreSQL extension under valgrind (single-user backends over its statements)"
# ASan cannot run it: the uninstrumented server hangs with libasan
# preloaded.  bindings/postgresql/tests/valgrind_backend.py says how.
python3 bindings/postgresql/tests/valgrind_backend.py . build

# One closing line over both runs, counted from meson's test logs.  A
# test that skipped (exit 77) is a failure here: CI never skips a test.
python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            r = t.get("result")
            if r == "OK":
                passed += 1
            elif r != "EXPECTEDFAIL":
                failed += 1
                if r == "SKIP":
                    print(f"{path}: {t.get('name')} skipped: CI never skips a test")
print(f"tests: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
