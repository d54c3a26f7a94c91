#!/usr/bin/env bash
# Multi-cluster benchmark (issue 9): one app delivered to N member clusters
# (default 10), each a `roam local` server of its own (no controller; the
# simulator makes Deployments ready after SIM_DELAY). The hub is another
# `roam local` with the controller in its process.
#
#   bench/multicluster.sh                  # MEMBERS=10 SIM_DELAY=500ms RUNS=3
#
# Reports the time from `roam up` until the app is running (the CLI's
# `--wait`), and the API requests each member served for it, from the
# members' own `apiserver_request_total` counters (read before and after).
# Results: docs/benchmarks.md, "Multi-cluster delivery (issue 9)".
set -euo pipefail
cd "$(dirname "$0")/.."

MEMBERS=${MEMBERS:-10}
SIM_DELAY=${SIM_DELAY:-500ms}
RUNS=${RUNS:-3}
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release -q -p roam-cli
ROAM="$TARGET/release/roam"

work=$(mktemp -d)
cleanup() {
	for d in "$work"/*/; do
		[[ -f "$d/server.json" || -d "$d" ]] && "$ROAM" local stop --data-dir "$d" >/dev/null 2>&1 || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

"$ROAM" local start --port 0 --simulate-delay "$SIM_DELAY" --data-dir "$work/hub" >/dev/null
"$ROAM" local kubeconfig --data-dir "$work/hub" >"$work/hub.kubeconfig"
export KUBECONFIG="$work/hub.kubeconfig"
for i in $(seq 1 "$MEMBERS"); do
	"$ROAM" local start --port 0 --no-controller --simulate-delay "$SIM_DELAY" --data-dir "$work/m$i" >/dev/null
	"$ROAM" local kubeconfig --data-dir "$work/m$i" >"$work/m$i.kubeconfig"
	"$ROAM" cluster join "$work/m$i.kubeconfig" --name "m$i" --labels bench=yes >/dev/null
done

# Requests roam's controller made to a server (client "roam"), by verb.
requests() {
	python3 - "$1" <<'EOF'
import re, ssl, sys, urllib.request
kc = open(sys.argv[1]).read()
server = re.search(r'server: "?([^"\n]+)', kc).group(1)
token = re.search(r'token: "?([^"\n]+)', kc).group(1)
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
req = urllib.request.Request(server + "/metrics", headers={"Authorization": "Bearer " + token})
body = urllib.request.urlopen(req, context=ctx).read().decode()
by_verb = {}
for line in body.splitlines():
    m = re.match(r'apiserver_request_total\{client="([^"]*)",code="(\d+)",resource="([^"]*)",verb="(\w+)"\} (\d+)', line)
    if m and m.group(1) == "roam":
        by_verb[m.group(4)] = by_verb.get(m.group(4), 0) + int(m.group(5))
print(" ".join(f"{k}={v}" for k, v in sorted(by_verb.items())))
EOF
}
total() { tr ' ' '\n' | awk -F= '{s+=$2} END {print s+0}'; }

app() {
	cat <<EOF
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: everywhere
  namespace: default
spec:
  components:
    - name: web
      type: webservice
      properties:
        image: nginx:$1
        ports:
          - port: 80
            expose: true
      traits:
        - type: scaler
          properties:
            replicas: 2
  policies:
    - name: members
      type: topology
      properties:
        clusterLabelSelector:
          bench: "yes"
EOF
}

echo "members: $MEMBERS, simulated readiness delay: $SIM_DELAY"
for run in $(seq 1 "$RUNS"); do
	declare -A before=()
	for i in $(seq 1 "$MEMBERS"); do before[$i]=$(requests "$work/m$i.kubeconfig" | total); done
	app "1.$run" >"$work/app.yaml"
	start=$(date +%s.%N)
	"$ROAM" up -f "$work/app.yaml" --wait --timeout 300s >/dev/null 2>&1
	end=$(date +%s.%N)
	per=()
	for i in $(seq 1 "$MEMBERS"); do
		after=$(requests "$work/m$i.kubeconfig" | total)
		per+=($((after - before[$i])))
	done
	kind=$([[ $run == 1 ]] && echo create || echo update)
	printf 'run %d (%s): running after %.2f s; requests per member: %s\n' \
		"$run" "$kind" "$(echo "$end - $start" | bc)" "${per[*]}"
done
echo "member m1, the controller's requests so far by verb: $(requests "$work/m1.kubeconfig")"
