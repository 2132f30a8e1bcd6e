#!/usr/bin/env bash
# test_abi_compat.sh HEADERS_DIR LIB_V1 LIB_GROWN LIB_RETYPED — abi_compat.sh
# itself, over three builds of fixture/versioned.h's versioned struct: the
# baseline is LIB_V1's dump; the library unchanged passes, grown at its end
# passes (a versioned struct may grow), and grown with a member retyped to
# one of the same size must fail, naming the member — the change abidiff
# alone, with versioned.suppr, passes.
set -uo pipefail
here=$(dirname "$0")
headers=$1 v1=$2 grown=$3 retyped=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
abidw --headers-dir "$headers" --no-corpus-path "$v1" > "$tmp/base.abi" || exit 1
fail=0
for lib in "$v1" "$grown"; do
  if ! "$here/abi_compat.sh" "$tmp/base.abi" "$lib" "$headers" > "$tmp/out" 2>&1; then
    echo "FAIL: abi_compat.sh refuses $(basename "$lib"), a compatible change:"
    cat "$tmp/out"
    fail=1
  fi
done
if "$here/abi_compat.sh" "$tmp/base.abi" "$retyped" "$headers" > "$tmp/out" 2>&1; then
  echo "FAIL: abi_compat.sh passes $(basename "$retyped"), whose member"
  echo "'value' was retyped (a pointer become an int64_t) as one was added:"
  cat "$tmp/out"
  fail=1
elif ! grep -q "ql_override.value: its type is" "$tmp/out"; then
  echo "FAIL: abi_compat.sh refuses $(basename "$retyped") without naming the"
  echo "retyped member ql_override.value:"
  cat "$tmp/out"
  fail=1
fi
[ $fail -eq 0 ] && echo "test_abi_compat: unchanged and grown pass, retyped fails"
exit $fail
