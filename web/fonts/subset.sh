#!/usr/bin/env bash
# Makes Hack-Regular.subset.ttf (the only text font of the web app) from the Hack-Regular.ttf that the epaint_default_fonts crate ships:
# Latin and Latin-1, general punctuation, arrows, math operators, box drawing and geometric
# shapes (the glyphs the views draw: § … → ≤ ● · ─). Other glyphs the browser draws itself
# (eframe's canvas fallback). Needs fonttools (`pip install fonttools`).
#
#   bash web/fonts/subset.sh
set -euo pipefail
cd "$(dirname "$0")"
python3 -c 'import fontTools' 2>/dev/null || pip install --quiet fonttools
SRC=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/epaint_default_fonts-0.37.*/fonts/Hack-Regular.ttf | head -1)
python3 -m fontTools.subset "$SRC" \
  --unicodes="U+0020-007E,U+00A0-00FF,U+0152-0153,U+2010-2027,U+2030-203A,U+20AC,U+2122,U+2190-2199,U+21B5,U+21D0-21D5,U+2212,U+2248,U+2260,U+2264-2265,U+2500-257F,U+25A0-25A1,U+25B2-25BC,U+25C6,U+25CB,U+25CF,U+2713,U+2717,U+FFFD" \
  --layout-features='*' --no-hinting --desubroutinize --output-file=Hack-Regular.subset.ttf
ls -l "$SRC" Hack-Regular.subset.ttf
