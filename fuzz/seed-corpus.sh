#!/usr/bin/env bash
# Fills fuzz/corpus/parse with every CUE file of the conformance suite
# (read in place from ../shared/conformance/cue; the corpus is not committed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
suite=${ROAM_CUE_CONFORMANCE:-$here/../../shared/conformance/cue}
out=$here/corpus/parse
mkdir -p "$out"
find "$suite" -name '*.txtar' -print0 | while IFS= read -r -d '' f; do
  awk -v out="$out" -v base="$(basename "$(dirname "$f")")_$(basename "$f" .txtar)" '
    /^-- .* --$/ { name = substr($0, 4, length($0) - 6); safe = name; gsub(/[^A-Za-z0-9_.]/, "_", safe); file = (name ~ /\.cue$/) ? out "/" base "_" safe : ""; next }
    file != "" { print > file }
  ' "$f"
done
echo "seeded $(ls "$out" | wc -l) files into $out"

# roam-render targets: the example and compatibility applications, and the
# built-in definition files.
mkdir -p "$here/corpus/render" "$here/corpus/deffile"
cp "$here"/../crates/roam-render/tests/apps/builtin/*.yaml "$here"/../crates/roam-render/tests/compat/*.app.yaml "$here/corpus/render/"
cp "$here"/../crates/roam-render/definitions/*/*.cue "$here/corpus/deffile/"
echo "seeded $(ls "$here/corpus/render" | wc -l) applications and $(ls "$here/corpus/deffile" | wc -l) def files"
