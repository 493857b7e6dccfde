package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindingOrder(t *testing.T) {
	r := &Report{
		Suppliers: []Supplier{{Name: "Low", RiskScore: 1}, {Name: "High", RiskScore: 9}, {Name: supplierNotGiven, RiskScore: 5}},
		Findings: []Finding{
			{RuleID: "a", Severity: "high", Indicator: "excessive_overtime", Supplier: "High", File: "b.csv", Row: 2},
			{RuleID: "b", Severity: "critical", Indicator: "excessive_overtime", Supplier: "High", File: "a.csv", Row: 9},
			{RuleID: "c", Severity: "high", Indicator: "debt_bondage", Supplier: "Low", File: "a.csv", Row: 3},
			{RuleID: "d", Severity: "high", Indicator: "debt_bondage", Supplier: "High", File: "z.csv", Row: 4},
			{RuleID: "e", Severity: "high", Indicator: "debt_bondage", Supplier: "High", File: "a.csv", Row: 10},
			{RuleID: "f", Severity: "high", Indicator: "debt_bondage", Supplier: "High", File: "a.csv", Row: 10},
			{RuleID: "g", Severity: "critical", Indicator: "debt_bondage", Supplier: "Low", File: "a.csv", Row: 2, Waived: true},
			{RuleID: "h", Severity: "high", Indicator: "debt_bondage", File: "a.csv", Row: 2},
			{RuleID: "i", Severity: "low", Indicator: "retention_of_identity_documents", Supplier: "High", File: "a.csv", Row: 2},
		},
	}
	var got []string
	require.NoError(t, r.EachFinding(func(f *Finding) error {
		got = append(got, f.RuleID)
		return nil
	}))
	// critical: b before the waived g; high: the coercion indicators (debt
	// bondage) by supplier rank (High, then not given, then Low), then by
	// file and row, then as added; then the high finding on hours; low last.
	assert.Equal(t, []string{"b", "g", "e", "f", "d", "h", "c", "a", "i"}, got)
}

func TestContractOrder(t *testing.T) {
	r := &Report{Contracts: []Contract{
		{ContractID: "clear", Status: StatusClear, File: "a.csv", Row: 2},
		{ContractID: "insufficient", Status: StatusInsufficient, File: "a.csv", Row: 3},
		{ContractID: "high-1", Status: StatusFlagged, Risk: str("high"), Findings: 1, File: "a.csv", Row: 4},
		{ContractID: "critical-1", Status: StatusFlagged, Risk: str("critical"), Findings: 1, File: "a.csv", Row: 5},
		{ContractID: "high-3", Status: StatusFlagged, Risk: str("high"), Findings: 3, File: "b.csv", Row: 2},
		{ContractID: "rule-error", Status: StatusRuleError, File: "a.csv", Row: 6},
		{ContractID: "critical-1-earlier", Status: StatusFlagged, Risk: str("critical"), Findings: 1, File: "a.csv", Sheet: "", Row: 1},
		{ContractID: "critical-2", Status: StatusFlagged, Risk: str("critical"), Findings: 2, File: "c.csv", Row: 7},
	}}
	var got []string
	require.NoError(t, r.EachContract(func(c *Contract) error {
		got = append(got, c.ContractID)
		return nil
	}))
	assert.Equal(t, []string{"critical-2", "critical-1-earlier", "critical-1", "high-3", "high-1", "rule-error", "insufficient", "clear"}, got)
}

// randomReport has n contracts over a few files and suppliers, with
// findings of every severity.
func randomReport(n int) *Report {
	rng := rand.New(rand.NewPCG(1, 2))
	r := &Report{}
	sevs := []string{"critical", "high", "medium", "low", "info"}
	inds := []string{"debt_bondage", "excessive_overtime", "deception", "withholding_of_wages"}
	for i := range 7 {
		r.Suppliers = append(r.Suppliers, Supplier{Name: fmt.Sprintf("S%d", i), RiskScore: float64(rng.IntN(5))})
	}
	for i := range n {
		c := Contract{File: fmt.Sprintf("f%d.csv", rng.IntN(4)), Row: 2 + rng.IntN(n), ContractID: fmt.Sprint(i),
			Supplier: fmt.Sprintf("S%d", rng.IntN(8)), Status: StatusClear}
		for range rng.IntN(4) {
			sev := sevs[rng.IntN(len(sevs))]
			if c.Risk == nil || severityRank(sev) > severityRank(*c.Risk) {
				c.Risk = str(sev)
			}
			c.Status = StatusFlagged
			c.Findings++
			r.Findings = append(r.Findings, Finding{RuleID: fmt.Sprint("r", rng.IntN(9)), Severity: sev, Indicator: inds[rng.IntN(len(inds))],
				File: c.File, Row: c.Row, ContractID: c.ContractID, Supplier: c.Supplier, Waived: rng.IntN(10) == 0})
		}
		if c.Status == StatusClear && rng.IntN(3) == 0 {
			c.Status = StatusInsufficient
		}
		r.Contracts = append(r.Contracts, c)
	}
	return r
}

// Spilled rows come back in the same order as rows in memory, and writers
// that read them at once (as WriteFiles runs them) see the same order.
func TestRows_OrderMatchesMemory(t *testing.T) {
	for _, run := range []int{sortRun, 1000, 7} {
		t.Run(fmt.Sprintf("sortRun=%d", run), func(t *testing.T) {
			defer func(old int) { sortRun = old }(sortRun)
			sortRun = run // past it, keys are sorted in runs on disk and merged
			testRowsOrderMatchesMemory(t)
		})
	}
}

func testRowsOrderMatchesMemory(t *testing.T) {
	r := randomReport(5000)
	s := spilled(t, r, nil)
	want := map[string][]byte{}
	for _, format := range []string{FormatJSON, FormatCSV, FormatHTML} {
		var buf bytes.Buffer
		require.NoError(t, Write(&buf, format, r))
		want[format] = buf.Bytes()
	}
	var wg sync.WaitGroup
	got := map[string]*bytes.Buffer{}
	for format := range want {
		got[format] = &bytes.Buffer{}
	}
	errs := make(chan error, len(want))
	for format, buf := range got {
		wg.Go(func() { errs <- Write(buf, format, s) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for format := range want {
		assert.True(t, bytes.Equal(want[format], got[format].Bytes()), "%s differs", format)
	}
}

// sortKeys gives the order sorting every key at once gives, whether the
// keys of a rank come in order or not.
func TestSortKeys(t *testing.T) {
	tab := []string{"b.xlsx", "a.xlsx", "Sheet2", "Sheet1"}
	compare := compareKeys(tab)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 63, 64, 1000, 5000} {
		for _, ranks := range []int{1, 3, 40, 1000} {
			keys := make([]rowKey, n)
			for i := range keys {
				keys[i] = rowKey{rank: uint64(rng.IntN(ranks)) << 50, file: uint32(rng.IntN(2)), sheet: 2 + uint32(rng.IntN(2)),
					row: int32(i / 3), seq: int32(i)}
				if rng.IntN(50) == 0 {
					keys[i].row = int32(rng.IntN(n + 1))
				}
			}
			want := slices.Clone(keys)
			slices.SortFunc(want, compare)
			sortKeys(keys, compare)
			assert.Equal(t, want, keys, "%d keys of %d ranks", n, ranks)
		}
	}
}
