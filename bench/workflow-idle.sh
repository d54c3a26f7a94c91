#!/usr/bin/env bash
# Workflow engine benchmark (issue 8):
#  1. one app whose workflow is 50 StepByStep steps: how many reconciles it
#     takes to finish (target: fewer than steps × 2 = 100);
#  2. N apps (default 1,000) each suspended at an approval step: reconciles
#     per minute and controller CPU while they wait (target: none).
#
#   bench/workflow-idle.sh            # APPS=1000
#
# roam local (no controller, no simulator) and `roam controller` run as two
# processes; counts come from the controller's own metrics.
# Results: docs/benchmarks.md, "Workflow engine (issue 8)".
set -euo pipefail
cd "$(dirname "$0")/.."

APPS=${APPS:-1000}
IDLE=${IDLE:-60}
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release -q -p roam-cli
ROAM="$TARGET/release/roam"

work=$(mktemp -d)
cleanup() {
	[[ -n "${ctrl:-}" ]] && kill "$ctrl" 2>/dev/null || true
	"$ROAM" local stop --data-dir "$work/data" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

"$ROAM" local start --port 0 --no-controller --no-simulator --data-dir "$work/data" >/dev/null
"$ROAM" local kubeconfig --data-dir "$work/data" >"$work/kubeconfig"
export KUBECONFIG="$work/kubeconfig"
"$ROAM" install >/dev/null
port=$(python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
RUST_LOG=warn "$ROAM" controller --metrics-addr "127.0.0.1:$port" 2>"$work/controller.log" &
ctrl=$!
sleep 1

reconciles() {
	curl -s "127.0.0.1:$port/metrics" | awk '/^roam_reconcile_duration_seconds_count\{stage="total"\}/{print $2}'
}
ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{printf "%.2f", ($14+$15)/t}' "/proc/$1/stat"; }
kc() { kubectl --cache-dir "$work/kcache" "$@"; }

# 1. Fifty steps, one after another.
python3 - >"$work/fifty.yaml" <<'EOF'
steps = "\n".join(
    f"      - name: s{i}\n        type: print-message-in-status\n        properties:\n          message: step {i}"
    for i in range(50))
print(f"""apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: fifty
  namespace: default
spec:
  components: []
  workflow:
    steps:
{steps}""")
EOF
before=$(reconciles)
start=$(date +%s.%N)
kc apply -f "$work/fifty.yaml" >/dev/null
until [[ "$(kc get application fifty -o jsonpath='{.status.status}' 2>/dev/null)" == running ]]; do sleep 0.1; done
elapsed=$(python3 -c "import time;print(f'{time.time()-$start:.2f}')")
after=$(reconciles)
echo "50-step StepByStep workflow: running after ${elapsed} s, $((after - before)) reconciles (target < 100)"

# 2. N apps suspended at an approval step.
python3 - "$APPS" >"$work/gated.yaml" <<'EOF'
import sys
n = int(sys.argv[1])
docs = []
for i in range(n):
    docs.append(f"""apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: gated-{i}
  namespace: default
spec:
  components:
    - name: gated-{i}
      type: webservice
      properties:
        image: nginx:1.27
  workflow:
    steps:
      - name: approve
        type: suspend
      - name: deploy
        type: apply-component
        properties:
          component: gated-{i}""")
print("\n---\n".join(docs))
EOF
kc apply -f "$work/gated.yaml" >/dev/null
until [[ "$(kc get applications -o json | python3 -c 'import json,sys;print(sum(1 for a in json.load(sys.stdin)["items"] if a.get("status",{}).get("status")=="workflowSuspending"))')" == "$APPS" ]]; do
	sleep 1
done
sleep 5
r0=$(reconciles)
c0=$(cpu "$ctrl")
sleep "$IDLE"
r1=$(reconciles)
c1=$(cpu "$ctrl")
rss=$(awk '/VmRSS/{printf "%.0f", $2/1024}' "/proc/$ctrl/status")
echo "$APPS apps suspended: $((r1 - r0)) reconciles in ${IDLE} s, controller CPU $(python3 -c "print(f'{$c1-$c0:.2f}')") s, RSS ${rss} MiB"
