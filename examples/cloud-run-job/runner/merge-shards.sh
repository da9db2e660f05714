#!/usr/bin/env bash
# The final step of a sharded run: wait (optionally) until every shard has uploaded, download the
# shard reports, merge them into one SARIF and one JSON report, upload those, and exit with the
# merged verdict (0 pass, 1 findings at or above --fail-on, 3 incomplete), so the run gates as
# one audit would. 2: a report cannot be merged; 4: Cloud Storage could not be read or written.
#
# Environment:
#   RESULTS_BUCKET, RUN_ID  as for run-shard.sh
#   SHARD_COUNT             number of shards of the run
#   WAIT_SECONDS            how long to wait for missing shards (default 0: they must be there)
set -euo pipefail

fail() { echo "merge-shards: $*" >&2; exit 2; }
[[ -n "${RESULTS_BUCKET:-}" ]] || fail "set RESULTS_BUCKET"
[[ -n "${RUN_ID:-}" ]] || fail "set RUN_ID to the run to merge"
[[ "${SHARD_COUNT:-}" =~ ^[1-9][0-9]*$ ]] || fail "set SHARD_COUNT to the number of shards"
src="gs://$RESULTS_BUCKET/$RUN_ID"
deadline=$(( $(date +%s) + ${WAIT_SECONDS:-0} ))

done_count() {
  { gcloud storage ls "$src/shard-*-of-$SHARD_COUNT.done" 2>/dev/null || true; } | wc -l
}
while (( $(done_count) < SHARD_COUNT )); do
  if (( $(date +%s) >= deadline )); then
    fail "only $(done_count) of $SHARD_COUNT shards finished in $src"
  fi
  sleep 15
done

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
gcloud storage cp --quiet "$src/shard-*-of-$SHARD_COUNT.*" "$dir/" || exit 4
for i in $(seq 1 "$SHARD_COUNT"); do
  for ext in done sarif json; do
    [[ -f "$dir/shard-$i-of-$SHARD_COUNT.$ext" ]] || fail "shard $i/$SHARD_COUNT has no .$ext in $src"
  done
done

# `merge` may exit with the merged verdict (1, 3); only a usage or input error (2) stops here.
merge() {
  local output="$1" rc=0
  shift
  gke-private-audit merge "$@" --output "$output" || rc=$?
  if (( rc == 2 )) || [[ ! -s "$output" ]]; then
    fail "merging into $(basename "$output") failed (exit $rc)"
  fi
}
merge "$dir/merged.sarif" "$dir"/shard-*-of-"$SHARD_COUNT".sarif
merge "$dir/merged.json" "$dir"/shard-*-of-"$SHARD_COUNT".json
gcloud storage cp --quiet "$dir/merged.sarif" "$dir/merged.json" "$src/" || exit 4

# The merged JSON report holds the verdict recomputed over every shard's results.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const v = r.verdict; console.log(`merge-shards: ${r.summary.total} results, ${v.gateFailures} gate failures, ${v.incomplete} not evaluated`);
  process.exit(v.exitCode);' "$dir/merged.json"
