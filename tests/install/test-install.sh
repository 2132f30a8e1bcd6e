#!/usr/bin/env bash
# Installs quotalevy into a temporary prefix (library, command, header,
# rule sets, docs) and runs the installed command from another folder
# with a rule set named as users name it (cn/jilin, de/sgb9), with no
# QUOTALEVY_RULES_PATH: the installed rules must be found where the
# build put them.  Its output must equal the build tree's.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
built=$(realpath "${1:-$src/build/tools/quotalevy}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

# (the PostgreSQL extension installs where pg_config says, outside any
# prefix: left out here)
{ meson setup "$tmp/build" "$src" --prefix="$prefix" -Dpython=disabled \
    -Djava=enabled -Dlua=enabled -Dpostgresql=disabled -Dtests=false && ninja -C "$tmp/build" &&
  meson install -C "$tmp/build" --quiet; } >"$tmp/build.log" 2>&1 ||
  { cat "$tmp/build.log"; echo "install test: the build failed"; exit 1; }

fail=0
check() { # what, condition
  if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; fail=1; fi
}
for f in include/quotalevy.h share/quotalevy/rules/cn/jilin.yaml \
         share/quotalevy/rules/cn/national.yaml share/quotalevy/rules/de/sgb9.yaml \
         share/quotalevy/rules/jp/levy.yaml share/quotalevy/rules/fr/oeth.yaml \
         share/doc/quotalevy/rules-language.md share/doc/quotalevy/README.md; do
  check "installed $f" "[ -f '$prefix/$f' ]"
done

qlbin=$prefix/bin/quotalevy
export LD_LIBRARY_PATH="$prefix/lib:$prefix/lib/$(gcc -print-multiarch 2>/dev/null || true)"
unset QUOTALEVY_RULES_PATH
mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere"
cp "$src/examples/jilin-units.csv" "$src/examples/de-employers.csv" .

"$qlbin" run cn/jilin jilin-units.csv --date 2024-06-30 -o installed.csv \
  --rejects installed-rejects.csv 2>/dev/null || true
(cd "$src" && "$built" run rules/cn/jilin.yaml examples/jilin-units.csv \
  --date 2024-06-30 -o "$tmp/built.csv" --rejects "$tmp/built-rejects.csv" \
  2>"$tmp/built-err.txt") || true
check "run cn/jilin from another folder equals the build tree's output" \
  "[ -s installed.csv ] && cmp -s installed.csv '$tmp/built.csv'"
# (the output is read whole first: grep -q would stop reading early and,
# under pipefail, fail the pipeline with explain's SIGPIPE)
"$qlbin" explain cn/jilin jilin-units.csv --row JL-A002 --date 2024-06-30 \
  >explain.txt 2>/dev/null || true
check "a 'cn/jilin' explain names the installed file" "grep -q 'levy' explain.txt"
"$qlbin" run de/sgb9 de-employers.csv --date 2024-12-31 -o de.csv 2>/dev/null || true
check "run de/sgb9 by name" "[ -s de.csv ]"
check "cn/jilin.yaml is the same name" \
  "'$qlbin' check cn/jilin.yaml >/dev/null 2>&1"
check "an unknown name is an error naming the folders searched" \
  "! '$qlbin' check cn/nowhere >err.txt 2>&1 && grep -q 'share/quotalevy/rules' err.txt"

# A province file of the user's own extends the installed national rules.
cat > beijing.yaml <<'YAML'
quotalevy: 1
id: beijing-test
title: A province file in a user's folder
jurisdiction: CN-BJ
version: "1"
extends: cn/national
YAML
check "a user's file extends: cn/national from the installed rules" \
  "'$qlbin' check beijing.yaml >/dev/null 2>&1"

# The Java binding as docs/java.md tells it: the page's first program,
# compiled against the installed jar and run from here with no library
# path set, loads cn/jilin by name and prints the levy as a BigDecimal.
check "installed share/java/quotalevy.jar" "[ -f '$prefix/share/java/quotalevy.jar' ]"
jni=$(find "$prefix" -name libquotalevy_jni.so | head -n 1)
check "installed libquotalevy_jni.so beside libquotalevy" \
  "[ -n '$jni' ] && ls \"\$(dirname '$jni')\"/libquotalevy.so.* >/dev/null 2>&1"
awk '/^```java$/ { n++; next } n == 1 && /^```$/ { exit } n == 1' \
  "$src/docs/java.md" >Levy.java
javac -cp "$prefix/share/java/quotalevy.jar" Levy.java >javac.txt 2>&1 || cat javac.txt
env -u LD_LIBRARY_PATH java -cp "$prefix/share/java/quotalevy.jar:." Levy \
  >levy.txt 2>&1 || true
check "docs/java.md's program gets cn/jilin's levy as 18000.00" \
  "grep -qx 'levy due: 18000.00' levy.txt || { cat levy.txt; false; }"

# The Lua binding likewise: docs/lua.md's first script with the
# installed modules.
awk '/^```lua$/ { n++; next } n == 1 && /^```$/ { exit } n == 1' \
  "$src/docs/lua.md" >first.lua
LUA_PATH="$prefix/share/lua/5.4/?.lua" LUA_CPATH="$prefix/lib/lua/5.4/?.so" \
  lua5.4 first.lua >lua.txt 2>&1 || true
check "docs/lua.md's script gets cn/jilin's levy as 18000.00" \
  "[ \"\$(head -n 1 lua.txt)\" = 18000.00 ] || { cat lua.txt; false; }"

if [ $fail -ne 0 ]; then echo "install test: FAILED"; exit 1; fi
echo "install test: all passed"
