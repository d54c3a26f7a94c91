#!/usr/bin/env bash
# Controller scale benchmark (issue 7): N applications of KubeVela's
# published test shape (2 components + 5 traits; 2 Deployments and a Service
# each) on the local control plane with the workload simulator; the
# controller runs as its own process so its CPU and memory are its own.
#
#   bench/controller-scale.sh            # 3000 apps
#   APPS=12000 bench/controller-scale.sh
#   CONCURRENCY=8 SIM_DELAY=1s bench/controller-scale.sh
#
# Reports: seconds until all apps were created and until all were running,
# reconcile duration p50/p99 (from the controller's own histogram,
# interpolated within buckets), controller CPU seconds and peak RSS, and the
# API server's and the simulator's (each its own process) for reference.
# Results: docs/benchmarks.md, "Controller (issue 7)".
set -euo pipefail
cd "$(dirname "$0")/.."

APPS=${APPS:-3000}
CONCURRENCY=${CONCURRENCY:-8}
SIM_DELAY=${SIM_DELAY:-1s}
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release -q -p roam-cli
cargo build --release -q -p roam-controller --example scale
ROAM="$TARGET/release/roam"
LOAD="$TARGET/release/examples/scale"

work=$(mktemp -d)
cleanup() {
	[[ -n "${ctrl:-}" ]] && kill "$ctrl" 2>/dev/null || true
	[[ -n "${sim:-}" ]] && kill "$sim" 2>/dev/null || true
	"$ROAM" local stop --data-dir "$work/data" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

"$ROAM" local start --port 0 --no-controller --no-simulator --data-dir "$work/data" >/dev/null
"$ROAM" local kubeconfig --data-dir "$work/data" >"$work/kubeconfig"
server_pid=$(python3 -c "import json;print(json.load(open('$work/data/server.json'))['pid'])")
"$ROAM" simulate --kubeconfig "$work/kubeconfig" --delay "$SIM_DELAY" 2>/dev/null &
sim=$!
port=$(python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
RUST_LOG=warn "$ROAM" controller --kubeconfig "$work/kubeconfig" --concurrency "$CONCURRENCY" \
	--metrics-addr "127.0.0.1:$port" 2>"$work/controller.log" &
ctrl=$!
sleep 1

echo "apps=$APPS concurrency=$CONCURRENCY simulator delay=$SIM_DELAY load=$(cut -d' ' -f1-3 /proc/loadavg)" >&2
result=$("$LOAD" "$work/kubeconfig" "$APPS" 16)

ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{printf "%.1f", ($14+$15)/t}' "/proc/$1/stat"; }
rss() { awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/$1/status"; }

curl -s "127.0.0.1:$port/metrics" >"$work/metrics"
python3 - "$work/metrics" "$result" "$(cpu $ctrl)" "$(rss $ctrl)" "$(cpu $server_pid)" "$(rss $server_pid)" "$(cpu $sim)" "$(rss $sim)" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
res = json.loads(sys.argv[2])
buckets = []
for m in re.finditer(r'roam_reconcile_duration_seconds_bucket\{(.*?)\} (\d+)', text):
    labels = dict(kv.split('=') for kv in m.group(1).split(','))
    if labels.get('stage') != '"total"':
        continue
    le = labels['le'].strip('"')
    buckets.append((float('inf') if le == '+Inf' else float(le), int(m.group(2))))
buckets.sort()
total = buckets[-1][1] if buckets else 0
def q(p):
    want = p * total
    prev_le, prev_c = 0.0, 0
    for le, c in buckets:
        if c >= want:
            if le == float('inf'):
                return prev_le
            frac = (want - prev_c) / max(c - prev_c, 1)
            return prev_le + frac * (le - prev_le)
        prev_le, prev_c = le, c
    return prev_le
print(f"apps: {res['apps']}")
print(f"created in: {res['created_s']:.1f} s")
print(f"all running after: {res['running_s']:.1f} s")
print(f"reconciles: {total}, p50 {q(0.5)*1000:.1f} ms, p99 {q(0.99)*1000:.1f} ms")
print(f"controller: {sys.argv[3]} CPU s, peak RSS {sys.argv[4]} MiB")
print(f"api server (roam local): {sys.argv[5]} CPU s, peak RSS {sys.argv[6]} MiB")
print(f"simulator (roam simulate): {sys.argv[7]} CPU s, peak RSS {sys.argv[8]} MiB")
EOF
if [[ -s "$work/controller.log" ]]; then
	echo "controller warnings (first 5):" >&2
	head -5 "$work/controller.log" >&2
fi
