#!/usr/bin/env bash
# The package as users get it: pack it (prepack builds dist/), install the tarball into a temporary
# prefix as `npm install -g` would, and run it from an unrelated directory, plus once through npx.
# Dependencies come from the npm cache that `npm ci` just filled where it has them (--prefer-offline);
# the registry answers the rest (their metadata), as it did for `npm ci`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$repo"

echo "-- npm pack"
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
listing="$(tar -tzf "$tarball")"
for must in package/LICENSE package/dist/cli.js package/bin/gke-private-audit package/examples/org/org.json package/action.yml; do
  grep -qx "$must" <<<"$listing" || { echo "the package lacks ${must#package/}"; exit 1; }
done
if grep -E '^package/(src|test|bench|scripts|\.ci)/' <<<"$listing"; then echo "the package ships development files (above)"; exit 1; fi

echo "-- npm publish --dry-run"
npm publish --dry-run --ignore-scripts "$tarball" >"$work/publish.log" 2>&1 || { cat "$work/publish.log"; exit 1; }
# Being logged in is the publisher's business, not the package's: every other warning fails.
if grep -i 'npm warn' "$work/publish.log" | grep -v 'requires you to be logged in'; then echo "npm publish --dry-run warned (above)"; exit 1; fi

echo "-- npm install -g into a temporary prefix"
prefix="$work/prefix"
npm install -g --prefix "$prefix" --prefer-offline --no-audit --no-fund "$tarball" >/dev/null
cli="$prefix/bin/gke-private-audit"
elsewhere="$work/elsewhere"
mkdir -p "$elsewhere"
cp test/fixtures/terraform/broken/private-endpoint/plan.json "$elsewhere/plan.json"
cd "$elsewhere"

expect() { # expected-exit-code command...
  local want="$1"; shift
  set +e; "$@" >"$work/out" 2>"$work/err"; local got=$?; set -e
  if [ "$got" -ne "$want" ]; then echo "$* exited $got, expected $want"; cat "$work/err"; exit 1; fi
}
expect 0 "$cli" --version
# The bundled organization is non-compliant on purpose: findings, exit 1.
expect 1 "$cli" audit --emulator --report json=reports/emulator.json --report sarif=reports/emulator.sarif
test -s reports/emulator.json && test -s reports/emulator.sarif
# A plan that opens the control plane to the internet: one finding, exit 1.
expect 1 "$cli" check --plan plan.json --format sarif --output reports/plan.sarif
grep -q '"version": "2.1.0"' reports/plan.sarif
expect 0 "$cli" rules list --format json

echo "-- npx from the tarball"
expect 0 env npm_config_cache="$(npm config get cache)" npx --prefer-offline --yes --package "$tarball" -- gke-private-audit --version
echo "package ok: $(basename "$tarball") ($(du -k "$tarball" | cut -f1) kB)"
