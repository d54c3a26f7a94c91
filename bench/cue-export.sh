#!/usr/bin/env bash
# Whole-process `roam cue export` vs native `cue export` on the same files,
# side by side in one run, plus the peak memory of each.
#
#   bench/cue-export.sh                 # all cases
#   RUNS=20 bench/cue-export.sh         # more runs per command
#   CASES=template bench/cue-export.sh  # cases whose name contains a word
#
# Cases: every archive of the conformance suite's cue/testdata/benchmarks/
# (its root-level .cue files, extracted to a temporary directory; the suite
# is read in place from ../shared/conformance/cue or ROAM_CUE_CONFORMANCE),
# and one generated ~2,000-line KubeVela-style template (a component
# definition and 95 components using it).
#
# roam: ROAM_BIN, else a release build (cargo build --release -p roam-cli).
# cue:  ROAM_NATIVE_CUE, else scripts/install-cue.
# Timing with hyperfine if installed (apt-get install hyperfine, or cargo
# install hyperfine), else a loop of RUNS runs reporting the median.
# Peak memory: /usr/bin/time -f %M (max RSS, KiB).
# Results: docs/benchmarks.md, "CUE evaluator".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

RUNS="${RUNS:-10}"
SUITE="${ROAM_CUE_CONFORMANCE:-$ROOT/../shared/conformance/cue}"
OUT="${OUT:-$ROOT/target/bench-cue-export}"
mkdir -p "$OUT"

if [[ -n "${ROAM_BIN:-}" ]]; then
	roam="$ROAM_BIN"
else
	cargo build --release --locked -q -p roam-cli
	roam="${CARGO_TARGET_DIR:-$ROOT/target}/release/roam"
fi
cue="${ROAM_NATIVE_CUE:-$(./scripts/install-cue)}"
echo "roam: $roam"
echo "cue:  $cue ($("$cue" version | head -1))"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# ---------------------------------------------------------------- cases
# Root-level .cue files of each benchmarks archive, one directory per case.
cases=()
for archive in "$SUITE"/cue/testdata/benchmarks/*.txtar; do
	[[ -e "$archive" ]] || { echo "no suite at $SUITE" >&2; break; }
	name="bench-$(basename "$archive" .txtar)"
	mkdir -p "$work/$name"
	awk -v dir="$work/$name" '
		/^-- .* --$/ {
			f = substr($0, 4, length($0) - 6)
			out = (f ~ /^[^\/]+\.cue$/) ? dir "/" f : ""
			next
		}
		out != "" { print > out }
	' "$archive"
	if compgen -G "$work/$name/*.cue" >/dev/null; then
		cases+=("$name")
	fi
done

# The generated template: a webservice definition and 95 components.
gen_template() {
	cat <<'EOF'
package app

import "strings"

#Port: {
	port:     int & >0 & <65536
	name?:    string
	protocol: *"TCP" | "UDP"
	expose:   *false | bool
}

#Webservice: {
	context: {
		name:      string
		namespace: *"default" | string
		appName:   string
	}
	parameter: {
		image:     string
		replicas:  *1 | int & >=0
		cmd?: [...string]
		env?: [...{name: string, value?: string}]
		ports: [...#Port]
		labels?: [string]: string
		cpu?:    string
		memory?: string
		livenessPath?: string
	}
	_selector: {
		"app.oam.dev/name":      context.appName
		"app.oam.dev/component": context.name
	}
	output: {
		apiVersion: "apps/v1"
		kind:       "Deployment"
		metadata: {
			name:      context.name
			namespace: context.namespace
			labels: {
				_selector
				if parameter.labels != _|_ {parameter.labels}
			}
		}
		spec: {
			replicas: parameter.replicas
			selector: matchLabels: _selector
			template: {
				metadata: labels: _selector
				spec: containers: [{
					name:  context.name
					image: parameter.image
					if parameter.cmd != _|_ {command: parameter.cmd}
					if parameter.env != _|_ {env: parameter.env}
					ports: [for p in parameter.ports {
						containerPort: p.port
						protocol:      p.protocol
						if p.name != _|_ {name: p.name}
						if p.name == _|_ {name: "port-" + strings.ToLower("\(p.port)")}
					}]
					if parameter.cpu != _|_ || parameter.memory != _|_ {
						resources: limits: {
							if parameter.cpu != _|_ {cpu: parameter.cpu}
							if parameter.memory != _|_ {memory: parameter.memory}
						}
					}
					if parameter.livenessPath != _|_ {
						livenessProbe: httpGet: {path: parameter.livenessPath, port: parameter.ports[0].port}
					}
				}]
			}
		}
	}
	_exposed: [for p in parameter.ports if p.expose {p}]
	outputs: {
		if len(_exposed) > 0 {
			service: {
				apiVersion: "v1"
				kind:       "Service"
				metadata: name: context.name
				spec: {
					selector: _selector
					ports: [for p in _exposed {port: p.port, targetPort: p.port, protocol: p.protocol}]
				}
			}
		}
	}
}

EOF
	for i in $(seq -w 1 95); do
		cat <<EOF
components: c$i: #Webservice & {
	context: {name: "svc-$i", appName: "big-app"}
	parameter: {
		image:    "registry.example.com/team/svc-$i:1.$((10#$i % 7)).0"
		replicas: $((10#$i % 4 + 1))
		env: [{name: "INDEX", value: "$i"}, {name: "MODE", value: "prod"}]
		ports: [
			{port: $((8000 + 10#$i)), expose: true},
			{port: 9090, name: "metrics"},
		]
		labels: {team: "t$((10#$i % 5))", tier: "backend"}
		if $((10#$i % 2)) == 0 {cpu: "250m"}
		if $((10#$i % 3)) == 0 {
			memory:       "256Mi"
			livenessPath: "/healthz"
		}
	}
}
rendered: "svc-$i": [components.c$i.output, for _, o in components.c$i.outputs {o}]

EOF
	done
	cat <<'EOF'
summary: {
	count: len(rendered)
	images: [for _, c in components {c.parameter.image}]
}
EOF
}
mkdir -p "$work/template-2000"
gen_template >"$work/template-2000/app.cue"
cases+=("template-2000")

if [[ -n "${CASES:-}" ]]; then
	filtered=()
	for c in "${cases[@]}"; do [[ "$c" == *"$CASES"* ]] && filtered+=("$c"); done
	cases=("${filtered[@]}")
fi

# ---------------------------------------------------------------- measure
# Commands are run without a shell (absolute file paths; no `cd`), so the
# timings hold only the two programs.
ms_loop() { # median wall time in ms of RUNS runs of a command
	local t=()
	for _ in $(seq "$RUNS"); do
		local s e
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		e=$(date +%s%N)
		t+=($(((e - s) / 1000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

peak_kb() { # max RSS in KiB of one run of a command
	/usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1 || true
	tail -1 "$work/rss"
}

json_same() { # do both outputs parse to the same JSON value?
	python3 - "$1" "$2" <<'EOF' 2>/dev/null || echo "?"
import json, sys
try:
    a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
    print("yes" if a == b else "no")
except Exception:
    print("no")
EOF
}

have_hyperfine=false
command -v hyperfine >/dev/null && have_hyperfine=true
echo "timing: $($have_hyperfine && hyperfine --version || echo "median of $RUNS runs (no hyperfine)")"
echo

results="$OUT/results.md"
{
	echo "| case | lines | roam exit | cue exit | same JSON | roam ms | cue ms | cue/roam | roam peak KiB | cue peak KiB |"
	echo "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
} >"$results"

for c in "${cases[@]}"; do
	dir="$work/$c"
	files=("$dir"/*.cue)
	lines=$(cat "${files[@]}" | wc -l)
	"$roam" cue export "${files[@]}" >"$work/roam.out" 2>/dev/null && re=0 || re=$?
	"$cue" export "${files[@]}" >"$work/cue.out" 2>/dev/null && ce=0 || ce=$?
	same="-"
	if [[ $re == 0 && $ce == 0 ]]; then same=$(json_same "$work/roam.out" "$work/cue.out"); fi
	if $have_hyperfine; then
		hyperfine -N --warmup 2 --runs "$RUNS" -i --style none \
			--export-json "$work/h.json" \
			-n roam "$roam cue export ${files[*]}" \
			-n cue "$cue export ${files[*]}" >/dev/null 2>&1
		read -r rms cms < <(python3 -c '
import json,sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print("%.1f %.1f" % (r["roam"]["median"]*1000, r["cue"]["median"]*1000))' "$work/h.json")
	else
		rms=$(ms_loop "$roam" cue export "${files[@]}")
		cms=$(ms_loop "$cue" export "${files[@]}")
	fi
	rkb=$(peak_kb "$roam" cue export "${files[@]}")
	ckb=$(peak_kb "$cue" export "${files[@]}")
	ratio=$(awk -v a="$cms" -v b="$rms" 'BEGIN { if (b <= 0) print "-"; else if (a / b < 1) printf "%.3f×", a / b; else printf "%.1f×", a / b }')
	echo "| $c | $lines | $re | $ce | $same | $rms | $cms | $ratio | $rkb | $ckb |" | tee -a "$results"
done

echo
# Geometric means of cue/roam: over all cases, and over the cases both export.
awk -F'|' 'NR > 2 && $2 !~ /geometric/ {
		r = $9; gsub(/[ ×]/, "", r)
		if (r + 0 > 0) { s += log(r); n++; if ($4 + 0 == 0 && $5 + 0 == 0) { t += log(r); m++ } }
	}
	END {
		if (n) printf "geometric mean cue/roam: %.1f× over all %d cases", exp(s / n), n
		if (m) printf ", %.1f× over the %d cases both export", exp(t / m), m
		print ""
	}' "$results" | tee -a "$results"
echo "table: $results"
