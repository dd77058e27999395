#!/bin/sh
# Renders the sample dossier (reports/internal/dossiertest) and turns it into
# pictures for a person to look at: a full-page screenshot of index.html by
# headless Chromium, and every page of dossier.pdf by pdftoppm.
# Needs: chromium, poppler-utils (apt-get install chromium poppler-utils).
# Usage: scripts/check-render.sh [OUTDIR]   (default: ./render-check)
set -eu
out=${1:-render-check}
mkdir -p "$out"
out=$(cd "$out" && pwd)
CRAUDIT_RENDER_OUT="$out/dossier" go test -count=1 -run '^TestSample$' ./reports/dossier
command -v chromium >/dev/null || { echo "chromium not installed" >&2; exit 2; }
command -v pdftoppm >/dev/null || { echo "pdftoppm (poppler-utils) not installed" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
	--window-size=1200,1800 --screenshot="$out/index.png" "file://$out/dossier/index.html" 2>/dev/null
chromium --headless --no-sandbox --disable-gpu --user-data-dir="$profile" --no-pdf-header-footer \
	--print-to-pdf="$out/index-printed.pdf" "file://$out/dossier/index.html" 2>/dev/null
pdftoppm -r 60 -png "$out/dossier/dossier.pdf" "$out/pdf"
pdftoppm -r 60 -png -l 2 "$out/index-printed.pdf" "$out/printed"
pdftotext -layout "$out/dossier/dossier.pdf" "$out/dossier.txt"
ls "$out"/*.png
echo "look at $out/index.png, $out/printed-*.png and $out/pdf-*.png"
