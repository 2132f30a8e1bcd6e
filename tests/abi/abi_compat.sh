#!/usr/bin/env bash
# abi_compat.sh BASELINE SHARED_LIB HEADERS_DIR — the shared library's ABI
# against the baseline kept in the repository (scripts/abi-baseline.sh
# writes it).  Fails when a public function was removed or changed, or a
# public struct or enum changed (size, members, types): the accidental
# breaks a program linked against an earlier build would meet.  Added
# functions pass, and so does a versioned struct grown at its end
# (versioned.suppr).  The opaque handles' insides (struct ql_ruleset, …) are
# not public and are not compared.
#
# abidiff, told to pass a versioned struct grown at its end, passes the
# struct's whole diff: a member retyped to one of the same size in that
# change went unseen.  So each versioned struct's members are also
# compared one by one with the baseline's (versioned_prefix.py, over
# abidw's dump of the library); test_abi_compat.sh shows it catches that.
set -uo pipefail
here=$(dirname "$0")
baseline=$1 lib=$2 headers=$3
abidiff --no-added-syms --suppressions "$here/versioned.suppr" \
  --headers-dir2 "$headers" "$baseline" "$lib"
rc=$?
dump=$(mktemp) || exit 1
trap 'rm -f "$dump"' EXIT
if ! abidw --headers-dir "$headers" --no-corpus-path "$lib" > "$dump"; then
  echo "abi_compat: abidw could not read $lib" >&2
  exit 1
fi
python3 "$here/versioned_prefix.py" "$baseline" "$dump" "$here/versioned.suppr"
prefix=$?
if [ $rc -ne 0 ] || [ $prefix -ne 0 ]; then
  echo "abi_compat: the ABI differs from $baseline (abidiff exit $rc," \
    "versioned structs' members exit $prefix)." >&2
  echo "If the change is deliberate, run scripts/abi-baseline.sh and raise" >&2
  echo "the soversion for an incompatible change." >&2
  exit 1
fi
echo "abi_compat: no ABI change against the baseline"
