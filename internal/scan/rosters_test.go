package scan

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/report"
)

// TestRostersAsWritten reviews rosters written apart from the vocabularies
// and the planted roster: a Malaysian electronics factory's HR export in
// mixed English and Malay (a title row, question headers, units, category
// prefixes, dates whose order only one column settles) and a Gulf
// construction subcontractor's roster in kafala wording ("Sponsor
// (kafeel)", "NOC needed to change sponsor?", "Half month's salary",
// "10h x 6d", "NPR 1.5 lakh"), each as CSV and as a workbook with real
// date and number cells. testdata/rosters/expected.tsv holds, per contract,
// what a reviewer says of it under the built-in pack: its status and every
// rule that fires.
func TestRostersAsWritten(t *testing.T) {
	type want struct {
		status string
		rules  []string
	}
	expected := map[string]map[int]want{}
	f, err := os.Open("testdata/rosters/expected.tsv")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // the header line
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		row, err := strconv.Atoi(cols[1])
		require.NoError(t, err)
		var rules []string
		if len(cols) > 3 && cols[3] != "" {
			rules = strings.Split(cols[3], ",")
			slices.Sort(rules)
		}
		if expected[cols[0]] == nil {
			expected[cols[0]] = map[int]want{}
		}
		expected[cols[0]][row] = want{cols[2], rules}
	}
	for _, name := range []string{"electronics-factory", "construction-subcontractor"} {
		for _, ext := range []string{".csv", ".xlsx"} {
			t.Run(name+ext, func(t *testing.T) {
				rep, err := Run(context.Background(), []string{filepath.Join("testdata/rosters", name+ext)}, options(t, 2))
				require.NoError(t, err)
				fired := map[int][]string{}
				for _, f := range rep.Findings {
					if f.Scope != report.ScopeSupplier {
						fired[f.Row] = append(fired[f.Row], f.RuleID)
					}
				}
				exp := expected[name]
				require.Len(t, rep.Contracts, len(exp))
				for _, c := range rep.Contracts {
					w, ok := exp[c.Row]
					if !ok {
						t.Errorf("row %d is no contract of the roster", c.Row)
						continue
					}
					got := fired[c.Row]
					slices.Sort(got)
					if c.Status != w.status || !slices.Equal(got, w.rules) {
						t.Errorf("row %d: %s %v (missing %v), want %s %v", c.Row, c.Status, got, c.Missing, w.status, w.rules)
					}
				}
			})
		}
	}
}
