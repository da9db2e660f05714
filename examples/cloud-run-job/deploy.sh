#!/usr/bin/env bash
# Sets up a sharded organization audit on Cloud Run Jobs, once. Read it before running it: every
# command is an ordinary gcloud command you may prefer to keep in Terraform.
#   PROJECT  the project that runs the jobs      ORG_ID  the organization to audit
#   REGION   e.g. asia-northeast1                 SHARDS  number of tasks (default 8)
set -euo pipefail
: "${PROJECT:?}" "${ORG_ID:?}" "${REGION:?}"
SHARDS="${SHARDS:-8}"
SA="gke-private-audit@${PROJECT}.iam.gserviceaccount.com"
LAUNCHER="gke-private-audit-launcher@${PROJECT}.iam.gserviceaccount.com"
BUCKET="${BUCKET:-${PROJECT}-gke-private-audit}"
REPO="${REGION}-docker.pkg.dev/${PROJECT}/tools"
IMAGE="${REPO}/gke-private-audit-runner:${TAG:-latest}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

gcloud services enable --project "$PROJECT" run.googleapis.com workflows.googleapis.com cloudscheduler.googleapis.com \
  cloudasset.googleapis.com artifactregistry.googleapis.com cloudbuild.googleapis.com

# The identity of every task: read-only on the organization (docs/scale.md says why each role).
gcloud iam service-accounts create gke-private-audit --project "$PROJECT" --display-name "gke-private-audit (read-only)" || true
for role in roles/cloudasset.viewer roles/container.clusterViewer roles/compute.networkViewer roles/compute.viewer roles/dns.reader; do
  gcloud organizations add-iam-policy-binding "$ORG_ID" --member "serviceAccount:$SA" --role "$role" --condition None >/dev/null
done
# Cloud Asset Inventory bills its quota to the caller's project.
gcloud projects add-iam-policy-binding "$PROJECT" --member "serviceAccount:$SA" \
  --role roles/serviceusage.serviceUsageConsumer --condition None >/dev/null

# A second identity starts the runs (scheduler → workflow → jobs), so the auditing one stays read-only.
gcloud iam service-accounts create gke-private-audit-launcher --project "$PROJECT" --display-name "gke-private-audit launcher" || true
for role in roles/workflows.invoker roles/run.jobsExecutorWithOverrides; do
  gcloud projects add-iam-policy-binding "$PROJECT" --member "serviceAccount:$LAUNCHER" --role "$role" --condition None >/dev/null
done

# Results: one prefix per run; old runs expire after 90 days.
gcloud storage buckets create "gs://$BUCKET" --project "$PROJECT" --location "$REGION" --uniform-bucket-level-access || true
gcloud storage buckets add-iam-policy-binding "gs://$BUCKET" --member "serviceAccount:$SA" --role roles/storage.objectUser >/dev/null
echo '{"rule":[{"action":{"type":"Delete"},"condition":{"age":90}}]}' > "$tmp/lifecycle.json"
gcloud storage buckets update "gs://$BUCKET" --lifecycle-file "$tmp/lifecycle.json"

# Images: the CLI (repository root Dockerfile), then the runner on top of it.
gcloud artifacts repositories create tools --project "$PROJECT" --location "$REGION" --repository-format docker || true
gcloud builds submit "$root" --project "$PROJECT" --tag "${REPO}/gke-private-audit:${TAG:-latest}"
cat > "$tmp/cloudbuild.yaml" <<YAML
steps:
  - name: gcr.io/cloud-builders/docker
    args: [build, --build-arg, "CLI_IMAGE=${REPO}/gke-private-audit:${TAG:-latest}", -t, "$IMAGE", .]
images: ["$IMAGE"]
YAML
gcloud builds submit "$here/runner" --project "$PROJECT" --config "$tmp/cloudbuild.yaml"

# N tasks, each one shard (`--shard auto` reads CLOUD_RUN_TASK_INDEX/COUNT). A task retries only
# when its audit could not run or its upload failed; findings are the merge job's verdict.
gcloud run jobs deploy gke-private-audit --project "$PROJECT" --region "$REGION" \
  --image "$IMAGE" --service-account "$SA" \
  --tasks "$SHARDS" --parallelism "$SHARDS" --max-retries 2 --task-timeout 30m \
  --cpu 1 --memory 1Gi \
  --set-env-vars "ORG_ID=$ORG_ID,RESULTS_BUCKET=$BUCKET,FAIL_ON=high"

# One task: waits for nothing (the workflow starts it after every shard), merges, gates.
gcloud run jobs deploy gke-private-audit-merge --project "$PROJECT" --region "$REGION" \
  --image "$IMAGE" --service-account "$SA" --command /usr/local/bin/merge-shards.sh \
  --tasks 1 --max-retries 0 --task-timeout 10m --cpu 1 --memory 1Gi \
  --set-env-vars "RESULTS_BUCKET=$BUCKET,SHARD_COUNT=$SHARDS"

# The run: shards, then merge, with one RUN_ID; nightly at 03:00 Tokyo time.
gcloud workflows deploy gke-private-audit --project "$PROJECT" --location "$REGION" \
  --source "$here/workflow.yaml" --service-account "$LAUNCHER"
gcloud scheduler jobs create http gke-private-audit-nightly --project "$PROJECT" --location "$REGION" \
  --schedule "0 3 * * *" --time-zone "Asia/Tokyo" --http-method POST \
  --uri "https://workflowexecutions.googleapis.com/v1/projects/${PROJECT}/locations/${REGION}/workflows/gke-private-audit/executions" \
  --message-body '{}' --oauth-service-account-email "$LAUNCHER"

echo "Run now:  gcloud workflows run gke-private-audit --project $PROJECT --location $REGION"
