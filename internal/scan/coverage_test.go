package scan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/report"
)

// sevenColumnRoster writes a supplier roster of 28 contracts in 7 columns
// the header matcher knows: Alpha Garments' 10 workers, 3 of whom paid a
// recruitment fee (the other 7 an explicit 0); Beta Textiles' 9 workers,
// all clean; Gamma Foods' 9 workers, 4 with a finding each (passport held,
// 66 and 75 hours, no rest day). extra rows are appended as they are.
func sevenColumnRoster(t *testing.T, extra ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Worker ID,Name,Supplier,Recruitment Fee,Passport Held By,Weekly Hours,Rest Days\n")
	n := 0
	row := func(supplier, fee, passport, hours, rest string) {
		n++
		fmt.Fprintf(&b, "W%03d,Worker %d,%s,%s,%s,%s,%s\n", n, n, supplier, fee, passport, hours, rest)
	}
	for i := range 10 {
		fee := "0"
		if i < 3 {
			fee = "USD 500"
		}
		row("Alpha Garments", fee, "Self", "48", "1")
	}
	for range 9 {
		row("Beta Textiles", "0", "Self", "50", "1")
	}
	row("Gamma Foods", "0", "Employer", "48", "1")
	row("Gamma Foods", "0", "Self", "66", "1")
	row("Gamma Foods", "0", "Self", "48", "0")
	row("Gamma Foods", "0", "Self", "75", "1")
	for range 5 {
		row("Gamma Foods", "0", "Self", "45", "1")
	}
	for _, e := range extra {
		b.WriteString(e + "\n")
	}
	path := filepath.Join(t.TempDir(), "roster.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// A roster that lacks most columns is reviewed on the columns it has: its
// clean contracts are clear, not "insufficient data", and the report says
// which rules it could not check and what they need.
func TestCoverageSevenColumnRoster(t *testing.T) {
	rep, err := Run(context.Background(), []string{sevenColumnRoster(t)}, options(t, 2))
	require.NoError(t, err)
	s := rep.Summary
	assert.Equal(t, 28, s.Contracts)
	assert.Equal(t, 21, s.ContractsClear)
	assert.Equal(t, 7, s.ContractsFlagged)
	assert.Equal(t, 0, s.ContractsInsufficient)
	assert.Equal(t, 0, s.InputsIncomplete)

	for _, c := range rep.Contracts {
		assert.Empty(t, c.Missing, "row %d", c.Row)
		assert.Equal(t, 4, c.RulesChecked, "row %d", c.Row)
	}

	var alpha report.Supplier
	for _, sup := range rep.Suppliers {
		if sup.Name == "Alpha Garments" {
			alpha = sup
		}
	}
	assert.Equal(t, 3, alpha.FeesPaid)
	assert.Equal(t, 7, alpha.FeesNotPaid)
	require.NotNil(t, alpha.FeePaidShare)
	assert.InDelta(t, 0.3, *alpha.FeePaidShare, 1e-9)
	assert.Contains(t, alpha.IndicatorsPartly, "debt_bondage")
	assert.Contains(t, alpha.IndicatorsNotChecked, "deception")
	assert.InDelta(t, 4.0/44, alpha.Coverage, 0.001)

	require.Len(t, rep.Inputs, 1)
	require.Len(t, rep.Inputs[0].Sheets, 1)
	sh := rep.Inputs[0].Sheets[0]
	assert.Equal(t, 4, sh.RulesChecked)
	assert.Equal(t, len(rep.Rules)-len(options(t, 1).Engine.Combinations)-5, sh.RulesTotal) // less combinations and cross-row checks
	needs := map[string][]string{}
	for _, n := range sh.NotChecked {
		needs[n.Rule] = n.Needs
	}
	assert.Contains(t, needs["fee-vs-wage"], "Monthly wage")
	assert.Equal(t, []string{"Written contract (yes/no)"}, needs["no-written-contract"])
	for rule, words := range needs {
		for _, w := range words {
			assert.NotContains(t, w, "_", "%s needs %q: header words, not field names", rule, w)
		}
	}

	// Combinations carry an indicator in the rule list.
	for _, r := range rep.Rules {
		assert.NotEmpty(t, r.Indicator, "rule %s", r.ID)
	}
}

// A blank cell in a column the roster has, that a rule needs, leaves the
// contract insufficient, naming the roster's header.
func TestCoverageBlankCellNamesHeader(t *testing.T) {
	path := sevenColumnRoster(t, "W029,Worker 29,Beta Textiles,0,Self,,1")
	rep, err := Run(context.Background(), []string{path}, options(t, 2))
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Summary.ContractsInsufficient)
	i := slices.IndexFunc(rep.Contracts, func(c report.Contract) bool { return c.ContractID == "W029" })
	require.GreaterOrEqual(t, i, 0)
	c := rep.Contracts[i]
	assert.Equal(t, report.StatusInsufficient, c.Status)
	assert.Equal(t, []string{"Weekly Hours"}, c.Missing)
	assert.Equal(t, 3, c.RulesChecked)
}

// A file that holds no roster, or whose columns let no rule run, makes the
// review incomplete and names its unrecognised headers; -min-coverage
// adds sheets whose coverage is below the share.
func TestCoverageIncompleteInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	stock := write("stock.csv", "Barcode,Description,Qty\nA-1,Shirt,10\n")
	names := write("names.csv", "Worker ID,Name,Supplier,Remarks\nW1,Ana,Acme,-\n")
	roster := sevenColumnRoster(t)
	opts := options(t, 2)
	opts.MinCoverage = 0.5
	rep, err := Run(context.Background(), []string{stock, names, roster}, opts)
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Summary.InputsIncomplete)
	in := rep.Inputs
	require.Len(t, in, 3)
	require.Len(t, in[0].Incomplete, 1)
	assert.Contains(t, in[0].Incomplete[0], "no roster")
	assert.Equal(t, []string{"Barcode", "Description", "Qty"}, in[0].UnrecognisedHeaders)
	assert.Equal(t, []string{"its columns let no rule run"}, in[1].Incomplete)
	assert.Equal(t, []string{"Remarks"}, in[1].UnrecognisedHeaders)
	assert.Equal(t, []string{"coverage 9.1% (4 of 44 rules) is below -min-coverage 50%"}, in[2].Incomplete)
	assert.Equal(t, 0.5, rep.Run.Options.MinCoverage)
}
