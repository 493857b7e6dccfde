package engine

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// columns gives fields a column, each with a header and a letter in order.
func columns(s *contract.Schema, headers [][2]string) *contract.Columns {
	cols := contract.NewColumns(s.Len())
	for i, h := range headers {
		f := s.Field(h[0])
		cols.Has[f.Index], cols.Header[f.Index], cols.Letter[f.Index] = true, h[1], string(rune('A'+i))
	}
	return cols
}

var sevenColumns = [][2]string{
	{"worker_id", "Worker ID"}, {"worker_name", "Name"}, {"supplier_name", "Supplier"},
	{"recruitment_fee_paid_by_worker", "Recruitment Fee"}, {"passport_held_by", "Passport Held By"},
	{"weekly_hours_total", "Weekly Hours"}, {"rest_days_per_week", "Rest Days"},
}

func needsOf(l []RuleNeeds, id string) ([]string, bool) {
	for _, n := range l {
		if n.Rule.ID == id {
			return n.Needs, true
		}
	}
	return nil, false
}

func TestCoverageOfSevenColumns(t *testing.T) {
	e, s := packEngine(t)
	cv := e.Coverage(columns(s, sevenColumns).Has)
	var checked []string
	for i, r := range e.prog.Rules {
		if cv.Checkable[i] {
			checked = append(checked, r.ID)
		}
	}
	slices.Sort(checked)
	assert.Equal(t, []string{"fee-paid", "hours-60", "passport-held", "rest-day"}, checked)
	assert.Equal(t, 4, cv.Checked)
	assert.Equal(t, len(e.prog.Rules), cv.Total)

	needs, ok := needsOf(cv.NotChecked, "fee-vs-wage")
	require.True(t, ok, "fee-vs-wage is not checked")
	assert.Contains(t, needs, "Basic Salary")
	assert.NotContains(t, needs, "recruitment fee months of wage", "derived fields are named by what they are derived from")
	needs, ok = needsOf(cv.NotChecked, "no-written-contract")
	require.True(t, ok)
	assert.Equal(t, []string{"Written Contract"}, needs)
	// An age comes from its own column or from the date of birth; the
	// country of employment sets the minimum age (15 without it).
	needs, _ = needsOf(cv.NotChecked, "under-minimum-age")
	assert.Equal(t, []string{"Age", "DOB", "Country"}, needs)
}

func TestCoverageLogic(t *testing.T) {
	e, s := packEngine(t)
	rule := func(id string) int {
		for i, r := range e.prog.Rules {
			if r.ID == id {
				return i
			}
		}
		t.Fatalf("no rule %s", id)
		return -1
	}
	// related-costs is an OR of four costs: one column is enough to run
	// it, partly.
	cv := e.Coverage(columns(s, [][2]string{{"worker_id", "ID"}, {"visa_cost_paid_by_worker", "Visa"}}).Has)
	i := rule("related-costs")
	assert.True(t, cv.Checkable[i])
	assert.True(t, cv.Partly[i])
	needs, ok := needsOf(cv.PartlyChecked, "related-costs")
	require.True(t, ok)
	assert.Equal(t, []string{"Air Ticket", "Medical", "Other Fees"}, needs)
	// fee-vs-wage: the wage and any one cost column (recruitment costs
	// total sums what the roster has).
	cv = e.Coverage(columns(s, [][2]string{{"base_wage_monthly", "Salary"}, {"travel_cost_paid_by_worker", "Flight"}}).Has)
	assert.True(t, cv.Checkable[rule("fee-vs-wage")])
	// weekly hours from regular and overtime hours, both needed.
	cv = e.Coverage(columns(s, [][2]string{{"regular_hours_per_week", "Normal Hours"}}).Has)
	assert.False(t, cv.Checkable[rule("hours-60")])
	cv = e.Coverage(columns(s, [][2]string{{"regular_hours_per_week", "Normal Hours"}, {"overtime_hours_per_week", "OT Hours"}}).Has)
	assert.True(t, cv.Checkable[rule("hours-60")])
	// Every column: every rule.
	cv = e.Coverage(nil)
	assert.Equal(t, cv.Total, cv.Checked)
}

// A rule the roster has no column for is not checked and does not make the
// contract insufficient; a blank cell in a column a rule needs does, and
// names the roster's header.
func TestEvaluateByCoverage(t *testing.T) {
	e, s := packEngine(t)
	cols := columns(s, sevenColumns)
	x := e.NewEvaluator()
	c := mk(t, s, 2, map[string]string{"worker_id": "W1", "recruitment_fee_paid_by_worker": "0", "passport_held_by": "worker",
		"weekly_hours_total": "48", "rest_days_per_week": "1"})
	c.Columns = cols
	r := x.Evaluate(c)
	assert.Equal(t, Clear, r.Status)
	assert.Empty(t, r.Missing)
	assert.Equal(t, 4, r.RulesChecked)

	c = mk(t, s, 3, map[string]string{"worker_id": "W2", "recruitment_fee_paid_by_worker": "0", "passport_held_by": "worker",
		"rest_days_per_week": "1"})
	c.Columns = cols
	r = x.Evaluate(c)
	assert.Equal(t, Insufficient, r.Status)
	assert.Equal(t, []string{"Weekly Hours"}, r.Missing)
	assert.Equal(t, 3, r.RulesChecked)
}
