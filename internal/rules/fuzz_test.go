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

// FuzzTable: a lookup table's file comes from whoever wrote the rule file;
// any bytes give a table or errors with positions, never a panic, and a
// loaded table answers lookups.
func FuzzTable(f *testing.F) {
	f.Add([]byte("country,year,monthly_wage,currency\nMY,2024,\"1,500\",MYR\nTH,2024,9000,THB\n"), false)
	f.Add([]byte("\xef\xbb\xbfcountry;year;monthly_wage\nMY;2024;abc\nMY;2024;12\n\n;;\n"), false)
	f.Add([]byte("country\tyear\tmonthly_wage\nMY\t2024\n"), true)
	f.Add([]byte("\n\n,,\n"), false)
	f.Add([]byte("country,country\n"), false)
	f.Add([]byte("a,\"b\nc"), false)
	f.Fuzz(func(t *testing.T, data []byte, tsv bool) {
		src := "tables:\n  t: {file: t.csv, key: [country, year]}\nrules: []\n"
		name := "t.csv"
		if tsv {
			name = "t.tsv"
		}
		file, errs := Parse("r.yaml", []byte(src))
		if len(errs) > 0 || len(file.Tables) != 1 {
			t.Fatalf("rule file: %v", errs)
		}
		tab := file.Tables[0]
		errs = tab.load(file, name, data)
		for _, e := range errs {
			_ = e.Detail()
		}
		if len(errs) > maxTableErrors+1 {
			t.Fatalf("%d errors for one table", len(errs))
		}
		if tab.rows == nil {
			return
		}
		rt := newRowType(tab)
		for _, row := range tab.rows {
			if len(row.cells) != len(tab.Columns) {
				t.Fatalf("row %d has %d cells for %d columns", row.line, len(row.cells), len(tab.Columns))
			}
			for i := range tab.Columns {
				_ = tab.cell(row, i)
			}
			_ = rt
		}
	})
}
