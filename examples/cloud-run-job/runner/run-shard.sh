#!/usr/bin/env bash
# One shard of an organization audit: audit this task's slice of the projects (`--shard auto`
# reads the task index the job engine sets), then upload its reports to Cloud Storage.
#
# Environment:
#   ORG_ID          organization to audit (or FOLDER_ID)
#   RESULTS_BUCKET  bucket name, without gs://
#   RUN_ID          prefix shared by every task of one run (default: CLOUD_RUN_EXECUTION)
#   POLICY_FILE     a rules.yaml on disk, or POLICY_URL a gs:// URL to one (optional)
#   FAIL_ON         severity threshold recorded in the reports (default high)
#   AUDIT_ARGS      further audit flags, split on spaces (e.g. "--max-rps 20")
#   Cloud Run Jobs: CLOUD_RUN_TASK_INDEX, CLOUD_RUN_TASK_COUNT (set by Cloud Run)
#   Kubernetes:     JOB_COMPLETION_INDEX (set by the Indexed Job), SHARD_COUNT (set in the manifest)
#
# Exit status: 0 when the reports are uploaded, whatever they found (findings and incomplete
# audits are the merge step's verdict, and retrying a task would not change them); 2 when the
# audit could not run (a usage or input error: retrying will not help); 4 when Cloud Storage
# could not be read or written (worth a retry).
set -euo pipefail

fail() { echo "run-shard: $*" >&2; exit 2; }
[[ -n "${RESULTS_BUCKET:-}" ]] || fail "set RESULTS_BUCKET to the results bucket name"
RUN_ID="${RUN_ID:-${CLOUD_RUN_EXECUTION:-}}"
[[ -n "$RUN_ID" ]] || fail "set RUN_ID (one value for every task of a run)"
if [[ -n "${ORG_ID:-}" ]]; then scope=(--org "$ORG_ID")
elif [[ -n "${FOLDER_ID:-}" ]]; then scope=(--folder "$FOLDER_ID")
else fail "set ORG_ID or FOLDER_ID"
fi

# The file names carry the shard (1-based, as --shard counts) so the merge step can tell which are missing.
task="${CLOUD_RUN_TASK_INDEX:-${JOB_COMPLETION_INDEX:-}}"
count="${CLOUD_RUN_TASK_COUNT:-${SHARD_COUNT:-}}"
[[ "$task" =~ ^[0-9]+$ && "$count" =~ ^[0-9]+$ ]] ||
  fail "no task index/count in the environment (CLOUD_RUN_TASK_INDEX/COUNT or JOB_COMPLETION_INDEX/SHARD_COUNT)"
name="shard-$((task + 1))-of-${count}"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

policy=()
if [[ -n "${POLICY_URL:-}" ]]; then
  gcloud storage cp --quiet "$POLICY_URL" "$out/rules.yaml" || exit 4
  policy=(--config "$out/rules.yaml")
elif [[ -n "${POLICY_FILE:-}" ]]; then
  policy=(--config "$POLICY_FILE")
fi

read -r -a extra <<< "${AUDIT_ARGS:-}"

set +e
gke-private-audit audit "${scope[@]}" --shard auto "${policy[@]}" "${extra[@]}" \
  --fail-on "${FAIL_ON:-high}" \
  --format text \
  --report "sarif=$out/$name.sarif" \
  --report "json=$out/$name.json"
code=$?
set -e

case "$code" in
  0 | 1 | 3) ;;
  *) echo "run-shard: $name: the audit did not run (exit $code); nothing uploaded" >&2; exit 2 ;;
esac

dest="gs://$RESULTS_BUCKET/$RUN_ID"
gcloud storage cp --quiet "$out/$name.sarif" "$out/$name.json" "$dest/" || exit 4
# Written last: its presence means this shard's reports are complete in the bucket.
echo "$code" > "$out/$name.done"
gcloud storage cp --quiet "$out/$name.done" "$dest/" || exit 4
echo "run-shard: $name: exit $code, reports in $dest/"
