#!/usr/bin/env bash
# Builds the fleet page into target/classes/static (run by Maven in generate-resources; fine by hand).
#   ui/build.sh [output-dir]
# Environment: UI_SKIP_TESTS=true skips `vitest run`; UI_SKIP_NPM=true builds the placeholder page.
set -euo pipefail

cd "$(dirname "$0")"
OUT="${1:-target/classes/static}"
SKIP_TESTS="${UI_SKIP_TESTS:-false}"
SKIP_NPM="${UI_SKIP_NPM:-false}"

placeholder() {
  echo "[ui] WARNING: $1; writing a placeholder page to $OUT/index.html (install Node 20.19+ and npm to build the UI)." >&2
  rm -rf "$OUT"
  mkdir -p "$OUT"
  cat > "$OUT/index.html" <<'HTML'
<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Spot Optimizer</title>
  </head>
  <body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #15202e">
    <h1>Spot Optimizer</h1>
    <p>This build of the control plane was made without Node.js, so the fleet page is not included.</p>
    <p>The API is available under <code>/api</code>. Rebuild with Node 20.19+ and npm on the PATH to get the UI.</p>
  </body>
</html>
HTML
}

if [[ "$SKIP_NPM" == "true" ]]; then
  placeholder "UI_SKIP_NPM=true"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  placeholder "npm was not found on the PATH"
  exit 0
fi

# npm ci only when node_modules is missing or the lockfile changed since the last install.
STAMP=node_modules/.ui-build-lock
if [[ ! -d node_modules ]] || ! cmp -s package-lock.json "$STAMP"; then
  echo "[ui] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$STAMP"
fi

echo "[ui] npm run build"
npm run build --silent

if [[ "$SKIP_TESTS" == "true" ]]; then
  echo "[ui] tests skipped"
else
  echo "[ui] vitest run"
  npx --no-install vitest run
fi

rm -rf "$OUT"
mkdir -p "$OUT"
cp -R dist/. "$OUT/"
echo "[ui] copied dist/ to $OUT"
