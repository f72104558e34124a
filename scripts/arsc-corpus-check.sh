#!/bin/sh
# Measures the resources.arsc decoder against aapt on every corpus APK:
# extracts each resources.arsc to a scratch dir, records the manifest's
# android:label reference, aapt's application-label and its --values dump, then runs the
# ignored test `arsc_label_check` over that list.
# Usage: scripts/arsc-corpus-check.sh [corpus-dir]
set -eu
corpus=${1:-"$(dirname "$0")/../../shared/corpus"}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
list="$scratch/list.tsv"
: > "$list"
n=0
find "$corpus" -type f \( -name '*.apk' -o -name '*.jar' \) ! -path '*zipbomb*' | sort | while read -r apk; do
    n=$((n + 1))
    out="$scratch/$n.arsc"
    unzip -p "$apk" resources.arsc > "$out" 2>/dev/null || true
    [ -s "$out" ] || { rm -f "$out"; continue; }
    ref=$(aapt dump xmltree "$apk" AndroidManifest.xml 2>/dev/null |
        awk '/E: application/ {app=1} app && /A: android:label\(/ {print; exit}' |
        sed -n 's/.*=@0x\([0-9a-f]*\).*/\1/p')
    label=$(aapt dump badging "$apk" 2>/dev/null | sed -n "s/^application-label:'\(.*\)'$/\1/p" | head -1)
    aapt dump --values resources "$apk" > "$out.dump" 2>/dev/null || true
    printf '%s\t%s\t%s\t%s\t%s\n' "$apk" "$out" "${ref:--}" "$label" "$out.dump" >> "$list"
done
ARSC_CHECK="$list" cargo test -q --lib android::resources::tests::arsc_label_check -- --ignored --nocapture 2>&1 |
    grep -v '^running\|^test result\|^$'
