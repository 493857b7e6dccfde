package engine

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rostergen"
	"github.com/laborcheck/laborcheck/internal/rules"
	"github.com/laborcheck/laborcheck/internal/source"
	defaultrules "github.com/laborcheck/laborcheck/rules"
)

// BenchmarkEvaluateRoster evaluates the built-in pack, with its
// combinations, on the contracts of a generated roster of 5,000 rows (see
// internal/rostergen), as a scan does: one contract an op, derivation
// included.
func BenchmarkEvaluateRoster(b *testing.B) {
	schema := contract.DefaultSchema()
	p := filepath.Join(b.TempDir(), "roster.xlsx")
	require.NoError(b, rostergen.WriteFile(p, rostergen.Options{Rows: 5_000}))
	var rows []*contract.Contract
	_, err := source.Read(context.Background(), p, source.Options{Schema: schema},
		func(c *contract.Contract, _ []contract.DataIssue) error {
			rows = append(rows, c)
			return nil
		})
	require.NoError(b, err)
	env, err := rules.NewEnv(schema)
	require.NoError(b, err)
	set, errs := rules.LoadFS(defaultrules.FS, "builtin:")
	require.Empty(b, errs)
	prog, errs := env.Compile(set, rules.CompileOptions{})
	require.Empty(b, errs)
	combos, err := ParseCombinations(defaultrules.CombinationsPath, defaultrules.Combinations)
	require.NoError(b, err)
	e := New(prog, schema, Options{Workers: 1, ReviewDate: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC),
		Combinations: WithPolicy(combos, set)})
	x := e.NewEvaluator()
	buf := make([]contract.Value, len(rows[0].Values))
	c := new(contract.Contract)
	b.ReportAllocs()
	n := 0
	start := cpuTime()
	for b.Loop() {
		src := rows[n%len(rows)]
		*c = *src
		c.Values = buf
		copy(c.Values, src.Values)
		x.Evaluate(c)
		x.forget()
		n++
	}
	// The CPU time per contract: on a shared machine the wall time per op
	// varies with the other work, the CPU time much less.
	b.ReportMetric(float64(cpuTime()-start)/float64(n), "cpu-ns/op")
}
