package rules

import (
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// FuzzParseCompile feeds arbitrary bytes through the rule-file parser and the
// compiler: a broken rule file must give errors with positions, never a
// panic.
func FuzzParseCompile(f *testing.F) {
	f.Add([]byte(demoRules))
	f.Add([]byte("rules:\n  - id: x\n    expr: contract.age <\n"))
	f.Add([]byte("variables: {a: contract.age}\nlists: {l: [a, b]}\nrules: []\n"))
	f.Add([]byte("rules: [{id: a, title: t, indicator: deception, severity: high, expr: 'contract.age > 1', message: '{{contract.age', references: [r]}]"))
	// Expressions beyond the parser's limits: too deeply nested, too long.
	f.Add(ruleWithExpr(strings.Repeat("(", 250)+"contract.age > 1"+strings.Repeat(")", 250), "m"))
	f.Add(ruleWithExpr("contract.age > 1"+strings.Repeat(" || contract.age > 2", 6000), "m"))
	f.Add(ruleWithExpr("contract.age"+strings.Repeat(" + 1", 300)+" > 1", "{{"+strings.Repeat("[", 120)+"}}"))
	env, err := NewEnv(contract.DefaultSchema())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, errs := Parse("fuzz.yaml", data)
		for _, e := range errs {
			if e.File != "fuzz.yaml" {
				t.Fatalf("error without the file: %v", e)
			}
			_ = e.Detail()
		}
		if file == nil || len(errs) > 0 {
			return
		}
		set := &Set{Files: []*File{file}, Rules: file.Rules}
		_, cerrs := env.Compile(set, CompileOptions{})
		for _, e := range cerrs {
			_ = e.Detail()
		}
	})
}

// FuzzParseWaivers: a waiver file from anywhere gives errors, never a panic.
func FuzzParseWaivers(f *testing.F) {
	f.Add([]byte("waivers:\n  - {rule: fee-paid, contract: C-1, reason: refunded, approved_by: A. Officer, expires: 2030-01-01}\n"))
	f.Add([]byte("waivers: [{rule: x}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, errs := ParseWaivers("w.yaml", data)
		for _, e := range errs {
			_ = e.Detail()
		}
	})
}
