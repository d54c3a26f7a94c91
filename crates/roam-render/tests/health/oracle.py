#!/usr/bin/env python3
"""Runs cases.yaml through KubeVela's health.GetStatus and prints what each
case yields (one JSON object a line), to check or write the expectations.

usage: oracle.py ORACLE_BINARY KUBEVELA_DEFS_DIR [cases.yaml]

ORACLE_BINARY is oracle/main.go built as its header says (KubeVela's health
code evaluated by CUE v0.17.1). KUBEVELA_DEFS_DIR holds KubeVela's vela-templates/definitions/internal/
{component,trait}/*.cue in one directory.
"""
import json, os, subprocess, sys, yaml

here = os.path.dirname(os.path.abspath(__file__))
binary, defs = sys.argv[1], sys.argv[2]
cases = yaml.safe_load(open(sys.argv[3] if len(sys.argv) > 3 else os.path.join(here, "cases.yaml")))

def obj(stem):
    return yaml.safe_load(open(os.path.join(here, "objects", stem + ".yaml")))

inputs = []
for c in cases:
    ctx = {"name": "frontend", "appName": "shop", "appRevision": "shop-v1"}
    ctx.update(c.get("context", {}))
    if "output" in c:
        ctx["output"] = obj(c["output"])
    if c.get("outputs"):
        ctx["outputs"] = {k: obj(v) for k, v in c["outputs"].items()}
    i = {"name": c["name"], "parameter": c.get("parameter"), "context": ctx}
    name = c.get("component") or c.get("trait")
    if name:
        i["defFile"] = os.path.join(defs, name + ".cue")
        i["defName"] = name
    else:
        i["status"] = c.get("status") or {}
    inputs.append(i)
out = subprocess.run([binary], input=json.dumps(inputs), capture_output=True, text=True, check=True).stdout
for r in json.loads(out):
    print(json.dumps(r, sort_keys=True, ensure_ascii=False))
