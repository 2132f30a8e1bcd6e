#!/bin/sh
# jar.sh JAVAC JAR OUT.jar CLASSPATH SOURCE… — compiles the Java sources
# (with CLASSPATH, "" for none) into a fresh folder beside OUT.jar and
# packs the classes as OUT.jar.  Meson runs it; javac and jar are the
# JDK's own, no build tool or registry is involved.
set -eu
javac=$1 jar=$2 out=$3 cp=$4
shift 4
classes="$out.classes"
rm -rf "$classes"
mkdir -p "$classes"
"$javac" -encoding UTF-8 -Xlint:all,-serial -Werror --release 17 \
  ${cp:+-cp "$cp"} -d "$classes" "$@"
"$jar" --create --file "$out" -C "$classes" .
