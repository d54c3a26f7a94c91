// Command oracle evaluates health cases with KubeVela's own status code
// (pkg/cue/definition/health.GetStatus), to obtain the expectations of
// ../cases.yaml. It reads a JSON list of cases on stdin, as ../oracle.py
// writes them, and prints one result per case.
//
// Build it in a scratch module "oracle" that requires only cuelang.org/go
// v0.17.1, with a copy of KubeVela's pkg/cue/definition/health/health.go in
// health/ (its KubeVela helpers replaced: value.FieldPath by cue.ParsePath,
// util.GetIteratorLabel by a copy, klog and pkg/errors by stand-ins).
// KubeVela pins CUE v0.14.1, which fails on the gateway's own customStatus;
// roam follows v0.17.1, and KubeVela's module does not build with it.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"oracle/health"
)

type testCase struct {
	Name string `json:"name"`
	// A KubeVela definition file (vela-templates/definitions/internal/...)
	// and the definition's name in it, or the status rules themselves.
	DefFile   string                 `json:"defFile"`
	DefName   string                 `json:"defName"`
	Status    map[string]string      `json:"status"`
	Parameter map[string]interface{} `json:"parameter"`
	Context   map[string]interface{} `json:"context"`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	var out []map[string]interface{}
	for _, c := range cases {
		rules := c.Status
		if c.DefFile != "" {
			rules = statusRules(c.DefFile, c.DefName)
		}
		ctx := c.Context
		if ctx == nil {
			ctx = map[string]interface{}{}
		}
		r, err := health.GetStatus(ctx, &health.StatusRequest{
			Health:    rules["healthPolicy"],
			Custom:    rules["customStatus"],
			Details:   rules["details"],
			Parameter: c.Parameter,
		})
		res := map[string]interface{}{"name": c.Name}
		if err != nil {
			res["err"] = err.Error()
		} else {
			res["healthy"] = r.Healthy
			res["message"] = r.Message
			res["details"] = r.Details
		}
		out = append(out, res)
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	fmt.Println(string(b))
}

// statusRules reads attributes.status.{healthPolicy,customStatus,details}
// of a definition in KubeVela's "def" CUE format.
func statusRules(file, name string) map[string]string {
	b, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	v := cuecontext.New().CompileString(string(b) + "\ncontext: _\nparameter: _\n")
	rules := map[string]string{}
	for _, k := range []string{"healthPolicy", "customStatus", "details"} {
		p := cue.ParsePath(fmt.Sprintf("%q.attributes.status.%s", name, k))
		if s, err := v.LookupPath(p).String(); err == nil {
			rules[k] = s
		}
	}
	return rules
}
