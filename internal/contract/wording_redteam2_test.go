package contract

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestWordingsRedTeam2 reads testdata/wordings_redteam2.tsv, a second
// red-team table in the format of wordings_redteam.tsv (see
// TestWordingRedTeam), drawn from roster kinds the first one has few of:
// fishing crews, Gulf construction under kafala, live-in domestic work,
// palm oil and cocoa plantations, Bangladesh and Jordan garment factories,
// seasonal agriculture in Europe and the US, and supplier self-assessment
// answers. Lines "# == kind" start a section; scores are logged per field
// kind (as in the first table) and per section.
func TestWordingsRedTeam2(t *testing.T) {
	const path = "testdata/wordings_redteam2.tsv"
	cases := readRedTeam(t, path)
	sections := redTeam2Sections(t, path)
	s := DefaultSchema()
	d := NewDeriver(s, time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))

	byKind, bySection := map[string]*score{}, map[string]*score{}
	get := func(m map[string]*score, k string) *score {
		if m[k] == nil {
			m[k] = &score{}
		}
		return m[k]
	}
	var failures, flags []string
	for _, tc := range cases {
		sk, ss := get(byKind, redTeamKind(tc.field)), get(bySection, sections[tc.line])
		sk.n++
		ss.n++
		got, gotV, gotErr, target := runRedTeamCase(t, s, d, tc)
		if redTeamMatch(target, tc.want, gotV, gotErr) {
			sk.ok++
			ss.ok++
			continue
		}
		line := fmt.Sprintf("wordings_redteam2.tsv:%d [%s] %s %q = %s, want %s", tc.line, sections[tc.line], tc.field, tc.cell, got, tc.want)
		if tc.ctx != "" {
			line += " [" + tc.ctx + "]"
		}
		failures = append(failures, line)
		if redTeamFalseFlag(target, tc.want, gotV, gotErr) {
			sk.flags++
			ss.flags++
			flags = append(flags, line)
		}
	}
	report := func(title string, m map[string]*score) {
		t.Logf("by %s:", title)
		logScores(t, m)
	}
	report("field kind", byKind)
	report("roster kind", bySection)
	for _, f := range flags {
		t.Errorf("FALSE FLAG %s", f)
	}
	for _, f := range failures {
		t.Errorf("wrong %s", f)
	}
}

// redTeam2Sections maps each line number of the table to the section ("# ==
// kind") it falls in.
func redTeam2Sections(t *testing.T, path string) map[int]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	sec := "none"
	for i, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "# =="); ok {
			sec = strings.TrimSpace(rest)
		}
		out[i+1] = sec
	}
	return out
}

// TestWordingsRedTeam2Allocs checks that the readings added with the second
// table (a header repeated before the value, an amount per month, a zero
// beside a note of no money) allocate nothing, like TestWordingAllocs.
func TestWordingsRedTeam2Allocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts")
	}
	s := DefaultSchema()
	for _, c := range [][2]string{
		{"housing_curfew", "Curfew: none"},
		{"rest_days_per_week", "Day off: none"},
		{"rest_days_per_week", "Rest day: every Sunday"},
		{"deposit_amount", "Deposit RM 300 (deducted)"},
		{"recruitment_fee_paid_by_worker", "Placement fee SGD 2,000"},
		{"base_wage_monthly", "USD 450/month"},
		{"base_wage_monthly", "GHS 600 per month"},
		{"recruitment_fee_paid_by_worker", "HKD 0 (no agency fee)"},
		{"passport_held_by", "With kafeel"},
	} {
		f := s.Field(c[0])
		var v Value
		if n := testing.AllocsPerRun(100, func() { _ = f.ParseInto(&v, c[1], Hints{}) }); n != 0 {
			t.Errorf("%s %q: %v allocations", c[0], c[1], n)
		}
	}
}
