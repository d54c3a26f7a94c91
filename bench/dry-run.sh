#!/usr/bin/env bash
# Whole-process `roam dry-run` of the reference app, and KubeVela's
# `vela dry-run --offline` on the same file side by side when a vela binary
# is available; peak memory of each; then the in-process 1,000-app run
# (examples/render_many.rs) with its throughput and peak memory.
#
#   bench/dry-run.sh                       # reference app, 20 runs each
#   RUNS=50 bench/dry-run.sh
#   APP=path/to/app.yaml bench/dry-run.sh  # another application
#   MANY=0 bench/dry-run.sh                # skip the 1,000-app run
#
# roam: ROAM_BIN, else a release build (cargo build --release -p roam-cli;
#       CARGO_TARGET_DIR is honoured).
# vela: VELA_BIN, else /work/vela-build/vela; skipped with a message when
#       absent (KubeVela is not needed to run this script). Its definitions:
#       VELA_DEFS (a flat directory of KubeVela def-file .cue files, e.g.
#       vela-templates/definitions/internal/{component,trait,policy}/*.cue),
#       else internal-defs/ next to the binary, else a flat copy of roam's own
#       definitions (which render the same under KubeVela's engine; see
#       crates/roam-render/tests/compat/README.md). KUBECONFIG: any
#       syntactically valid kubeconfig; a fake one is written when unset.
#       vela is also timed with only the definitions the app uses
#       ("vela, 6 defs"), to separate loading the definition directory from
#       rendering.
# Timing: hyperfine (no shell, 3 warm-ups, RUNS runs, median) if installed,
# else a loop of RUNS runs with date +%s%N reporting the median.
# Peak memory: /usr/bin/time -v ("Maximum resident set size") of one run.
# Results: docs/benchmarks.md, "Rendering (issue 4)".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

RUNS="${RUNS:-20}"
APP="$(realpath "${APP:-$ROOT/bench/apps/reference-app.yaml}")"
MANY="${MANY:-1000}"

if [[ -n "${ROAM_BIN:-}" ]]; then
	roam="$ROAM_BIN"
else
	cargo build --release --locked -q -p roam-cli
	roam="${CARGO_TARGET_DIR:-$ROOT/target}/release/roam"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "app:  $APP"
echo "roam: $roam ($("$roam" --version 2>/dev/null | head -1))"

# ---------------------------------------------------------------- vela
vela="${VELA_BIN:-/work/vela-build/vela}"
have_vela=false
if [[ -x "$vela" ]]; then
	have_vela=true
	if [[ -z "${KUBECONFIG:-}" ]]; then
		cat >"$work/kubeconfig" <<'EOF'
apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://127.0.0.1:1
  name: fake
contexts:
- context:
    cluster: fake
    user: fake
  name: fake
current-context: fake
users:
- name: fake
  user:
    token: fake
EOF
		export KUBECONFIG="$work/kubeconfig"
	fi
	defs="${VELA_DEFS:-}"
	if [[ -z "$defs" && -d "$(dirname "$vela")/internal-defs" ]]; then
		defs="$(dirname "$vela")/internal-defs"
	fi
	if [[ -z "$defs" ]]; then
		defs="$work/roam-defs"
		mkdir -p "$defs"
		cp "$ROOT"/crates/roam-render/definitions/{components,traits,policies}/*.cue "$defs/"
	fi
	# Only the definitions the app names (component and trait types).
	mkdir -p "$work/few-defs"
	for t in $(grep -E '^\s*(- )?type:\s*' "$APP" | sed -E 's/.*type:\s*"?([A-Za-z0-9-]+)"?.*/\1/' | sort -u); do
		[[ -f "$defs/$t.cue" ]] && cp "$defs/$t.cue" "$work/few-defs/"
	done
	nfew=$(find "$work/few-defs" -name '*.cue' | wc -l)
	echo "vela: $vela (definitions: $defs, $(find "$defs" -maxdepth 1 -name '*.cue' | wc -l) files; KUBECONFIG=$KUBECONFIG)"
else
	echo "vela: not found at $vela (set VELA_BIN); timing roam only"
fi

# ---------------------------------------------------------------- outputs
"$roam" dry-run -f "$APP" >"$work/roam.out" 2>"$work/roam.err" || {
	echo "roam dry-run failed:" >&2
	cat "$work/roam.err" >&2
	exit 1
}
echo "roam output: $(wc -l <"$work/roam.out") lines"
if $have_vela; then
	if "$vela" dry-run --offline -f "$APP" -d "$defs" >"$work/vela.out" 2>"$work/vela.err"; then
		if cmp -s "$work/roam.out" "$work/vela.out"; then
			echo "vela output: byte-identical to roam's"
		else
			echo "vela output: differs from roam's:"
			diff "$work/vela.out" "$work/roam.out" | head -20 || true
		fi
	else
		echo "vela dry-run failed; skipping vela:"
		grep -v 'external packages' "$work/vela.err" | head -5
		have_vela=false
	fi
fi
echo

# ---------------------------------------------------------------- timing
names=(roam)
cmds=("$roam dry-run -f $APP")
if $have_vela; then
	names+=(vela "vela, $nfew defs")
	cmds+=("$vela dry-run --offline -f $APP -d $defs" "$vela dry-run --offline -f $APP -d $work/few-defs")
fi

ms_loop() { # median wall time in ms of RUNS runs of a command line (no shell)
	local t=() s e
	read -r -a argv <<<"$1"
	for _ in $(seq "$RUNS"); do
		s=$(date +%s%N)
		"${argv[@]}" >/dev/null 2>&1 || true
		e=$(date +%s%N)
		t+=($(((e - s) / 1000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f %.1f", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'
}

peak_kib() { # max RSS in KiB of one run of a command line
	read -r -a argv <<<"$1"
	/usr/bin/time -v -o "$work/time" "${argv[@]}" >/dev/null 2>&1 || true
	awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time"
}

declare -A median min max
if command -v hyperfine >/dev/null; then
	echo "timing: $(hyperfine --version), -N, 3 warm-ups, $RUNS runs"
	hargs=()
	for i in "${!names[@]}"; do hargs+=(-n "${names[$i]}" "${cmds[$i]}"); done
	hyperfine -N --warmup 3 --runs "$RUNS" -i --style none --export-json "$work/h.json" "${hargs[@]}" >/dev/null 2>&1
	while IFS=$'\t' read -r n med lo hi; do
		median[$n]=$med min[$n]=$lo max[$n]=$hi
	done < <(python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%s\t%.1f\t%.1f\t%.1f" % (r["command"], r["median"] * 1e3, r["min"] * 1e3, r["max"] * 1e3))' "$work/h.json")
else
	echo "timing: median of $RUNS runs (date +%s%N loop; no hyperfine)"
	for i in "${!names[@]}"; do
		read -r med lo hi < <(ms_loop "${cmds[$i]}")
		median[${names[$i]}]=$med min[${names[$i]}]=$lo max[${names[$i]}]=$hi
	done
fi

echo
echo "| command | median ms | min–max ms | vs roam | peak RSS KiB |"
echo "| --- | ---: | ---: | ---: | ---: |"
for i in "${!names[@]}"; do
	n=${names[$i]}
	ratio=$(awk -v a="${median[$n]}" -v b="${median[roam]}" 'BEGIN { printf "%.1f×", a / b }')
	echo "| $n | ${median[$n]} | ${min[$n]}–${max[$n]} | $ratio | $(peak_kib "${cmds[$i]}") |"
done
awk -v m="${median[roam]}" 'BEGIN { printf "\nroam dry-run median %.1f ms: target ≤ 20 ms %s\n", m, (m <= 20 ? "met" : "MISSED") }'

# ---------------------------------------------------------------- 1,000 apps
if [[ "$MANY" != 0 ]]; then
	echo
	echo "in-process: $MANY distinct apps, one template cache (examples/render_many.rs)"
	cargo build --release --locked -q -p roam-render --example render_many
	many="${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/render_many"
	for keep in "" 1; do
		KEEP=$keep /usr/bin/time -v -o "$work/time" "$many" "$MANY" "$APP"
		awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print "  /usr/bin/time -v: max RSS " $2 " KiB"}
			/Elapsed \(wall clock\)/ {sub(/.*\): /, ""); print "  /usr/bin/time -v: wall " $0}' "$work/time"
	done
fi
