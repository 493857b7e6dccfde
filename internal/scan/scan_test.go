package scan

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	defaultrules "github.com/laborcheck/laborcheck/rules"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/rostergen"
	"github.com/laborcheck/laborcheck/internal/rules"
	"github.com/laborcheck/laborcheck/internal/source"
)

// options builds scan options with the built-in pack, as the CLI does.
func options(t testing.TB, workers int) Options {
	t.Helper()
	schema := contract.DefaultSchema()
	set, errs := rules.LoadFS(defaultrules.FS, "builtin:")
	require.Empty(t, errs, errs.Detail())
	env, err := rules.NewEnv(schema)
	require.NoError(t, err)
	prog, errs := env.Compile(set, rules.CompileOptions{})
	require.Empty(t, errs, errs.Detail())
	combos, err := engine.ParseCombinations(defaultrules.CombinationsPath, defaultrules.Combinations)
	require.NoError(t, err)
	return Options{
		Schema:  schema,
		Program: prog,
		Engine:  engine.Options{Workers: workers, ReviewDate: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), Combinations: combos},
		FailOn:  contract.High,
		Version: "test",
		Now:     func() time.Time { return time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC) },
	}
}

func samples(t testing.TB) []string {
	t.Helper()
	files, err := source.Expand([]string{"../../samples"})
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

func jsonOf(t testing.TB, r *report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, report.WriteJSON(&b, r))
	return b.Bytes()
}

// The same inputs and rules give the same report whatever the number of
// workers.
func TestRunDeterministicAcrossWorkers(t *testing.T) {
	files := samples(t)
	want, err := Run(context.Background(), files, options(t, 1))
	require.NoError(t, err)
	for _, workers := range []int{2, 3, 8} {
		got, err := Run(context.Background(), files, options(t, workers))
		require.NoError(t, err)
		assert.Equal(t, string(jsonOf(t, want)), string(jsonOf(t, got)), "workers=%d", workers)
	}
}

// Every row is accounted for and the totals add up.
func TestRunTotalsAddUp(t *testing.T) {
	r, err := Run(context.Background(), samples(t), options(t, 2))
	require.NoError(t, err)
	s := r.Summary
	assert.Equal(t, s.Contracts, s.ContractsFlagged+s.ContractsClear+s.ContractsInsufficient)
	assert.Len(t, r.Contracts, s.Contracts)

	rows := 0
	for _, in := range r.Inputs {
		for _, sh := range in.Sheets {
			rows += sh.Rows
		}
	}
	assert.Equal(t, rows, s.Contracts, "every row read is a contract in the report")

	sev := 0
	for _, n := range s.BySeverity {
		sev += n
	}
	ind := 0
	for _, n := range s.ByIndicator {
		ind += n
	}
	assert.Equal(t, s.Findings, sev)
	assert.Equal(t, s.Findings, ind)
	assert.Len(t, r.Findings, s.Findings)

	flagged := map[string]bool{}
	for _, c := range r.Contracts {
		if c.Status == report.StatusFlagged {
			flagged[c.File+"\x00"+c.Sheet+"\x00"+string(rune(c.Row))] = true
			assert.NotNil(t, c.Risk)
		} else {
			assert.Nil(t, c.Risk, "%s:%d is %s but has a risk", c.File, c.Row, c.Status)
		}
	}
	sup := 0
	for _, su := range r.Suppliers {
		sup += su.Contracts
		assert.Equal(t, su.Contracts, su.ContractsFlagged+su.ContractsClear+su.ContractsInsufficient, su.Name)
	}
	assert.Equal(t, s.Contracts, sup, "supplier totals cover every contract")
}

// A file that cannot be read is an input error; the rest of the batch is
// reviewed.
func TestRunBadFileDoesNotStopBatch(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "old.xls")
	require.NoError(t, os.WriteFile(bad, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"+string(make([]byte, 600))), 0o644))
	files := append([]string{bad}, samples(t)...)
	r, err := Run(context.Background(), files, options(t, 2))
	require.NoError(t, err)
	require.NotNil(t, r.Inputs[0].Error)
	assert.Equal(t, 1, r.Summary.InputsUnreadable)
	assert.NotEmpty(t, r.Inputs[0].Hint)
	assert.Positive(t, r.Summary.Contracts)
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, samples(t), options(t, 2))
	assert.ErrorIs(t, err, context.Canceled)
}

// A scan that keeps its contracts and findings in temporary files (Spill)
// writes the same reports as one that keeps them in memory.
func TestRunSpillMatchesMemory(t *testing.T) {
	roster := filepath.Join(t.TempDir(), "roster.xlsx")
	require.NoError(t, rostergen.WriteFile(roster, rostergen.Options{Rows: 3000, RiskyShare: 0.3}))
	for name, files := range map[string][]string{"samples": samples(t), "generated": {roster}} {
		t.Run(name, func(t *testing.T) {
			mem, err := Run(context.Background(), files, options(t, 2))
			require.NoError(t, err)
			opts := options(t, 2)
			opts.Spill, opts.SpillDir = true, t.TempDir()
			spill, err := Run(context.Background(), files, opts)
			require.NoError(t, err)
			defer spill.Close()
			assert.Empty(t, spill.Contracts, "contracts are in the spill files")
			for _, format := range []string{report.FormatJSON, report.FormatCSV, report.FormatHTML} {
				var a, b bytes.Buffer
				require.NoError(t, report.Write(&a, format, mem))
				require.NoError(t, report.Write(&b, format, spill))
				assert.Equal(t, a.String(), b.String(), format)
			}
			var a, b bytes.Buffer
			require.NoError(t, report.WriteText(&a, mem, report.TextOptions{MaxFindings: -1, MaxContracts: -1}))
			require.NoError(t, report.WriteText(&b, spill, report.TextOptions{MaxFindings: -1, MaxContracts: -1}))
			assert.Equal(t, a.String(), b.String(), "text")
			if name == "generated" {
				assert.Contains(t, string(jsonOf(t, mem)), `"rule_id":"shared-passport"`, "the roster has shared passports")
			}
		})
	}
}

// A contract a rule failed on and nothing flagged is a rule error, counted
// apart from clear and insufficient contracts; a cross-row finding that
// flags it decides it, as its own finding would.
func TestRuleErrorStatus(t *testing.T) {
	const src = `rules:
  - id: divides-by-age
    title: Age ratio
    indicator: child_labour
    severity: low
    expr: contract.age / (contract.age - 20) > 100
    message: "x"
    references: ["test"]
`
	schema := contract.DefaultSchema()
	f, errs := rules.Parse("t.yaml", []byte(src))
	require.Empty(t, errs)
	env, err := rules.NewEnv(schema)
	require.NoError(t, err)
	prog, errs := env.Compile(&rules.Set{Files: []*rules.File{f}, Rules: f.Rules}, rules.CompileOptions{})
	require.Empty(t, errs, errs.Detail())
	dir := t.TempDir()
	roster := filepath.Join(dir, "r.csv")
	require.NoError(t, os.WriteFile(roster, []byte("Worker ID,Worker name,Age,Bank account\n"+
		"W-1,A,20,AC-10001\n"+ // the rule fails: rule error
		"W-2,B,20,AC-20002\n"+ // fails too, but shares an account with W-3: flagged
		"W-3,C,20,AC-20002\n"+
		"W-4,D,30,AC-40004\n"+ // clear
		"W-5,E,,AC-50005\n"), 0o644)) // blank age: insufficient
	for _, spill := range []bool{false, true} {
		opts := options(t, 2)
		opts.Program, opts.Spill, opts.SpillDir = prog, spill, dir
		rep, err := Run(context.Background(), []string{roster}, opts)
		require.NoError(t, err)
		s := rep.Summary
		assert.Equal(t, 5, s.Contracts)
		assert.Equal(t, 1, s.ContractsWithRuleErrors, "spill=%v", spill)
		assert.Equal(t, 2, s.ContractsFlagged)
		assert.Equal(t, 1, s.ContractsClear)
		assert.Equal(t, 1, s.ContractsInsufficient)
		assert.Equal(t, 3, s.RuleErrors)
		assert.Equal(t, s.Contracts, s.ContractsFlagged+s.ContractsClear+s.ContractsInsufficient+s.ContractsWithRuleErrors)
		require.Len(t, rep.Suppliers, 1)
		assert.Equal(t, 1, rep.Suppliers[0].ContractsWithRuleErrors)
		var statuses []string
		require.NoError(t, rep.EachContract(func(c *report.Contract) error {
			statuses = append(statuses, c.Status)
			return nil
		}))
		// In report order: highest risk first.
		assert.Equal(t, []string{report.StatusFlagged, report.StatusFlagged, report.StatusRuleError, report.StatusInsufficient, report.StatusClear}, statuses)
		rep.Close()
	}
}
