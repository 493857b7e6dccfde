package rules

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// writeFiles writes name → content into a temporary folder and returns it.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

// compileFiles loads paths (relative to dir) in order and compiles them.
func compileFiles(t testing.TB, dir string, opts CompileOptions, paths ...string) *Program {
	t.Helper()
	for i, p := range paths {
		paths[i] = filepath.Join(dir, p)
	}
	set, errs := Load(paths, LoadOptions{})
	require.Empty(t, errs, errs.Detail())
	env, err := NewEnv(contract.DefaultSchema())
	require.NoError(t, err)
	p, errs := env.Compile(set, opts)
	require.Empty(t, errs, errs.Detail())
	return p
}

func rule(t testing.TB, p *Program, id string) *Compiled {
	t.Helper()
	for _, r := range p.Rules {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no rule %q", id)
	return nil
}

func fieldNames(s *contract.Schema, idx []int) []string {
	var out []string
	for _, i := range idx {
		out = append(out, s.Fields()[i].Name)
	}
	return out
}

const declRules = `
variables:
  worker_costs: contract.visa_cost_paid_by_worker + contract.travel_cost_paid_by_worker
  months: variables.worker_costs / contract.base_wage_monthly
  minimum: tables.min_wage(contract.employer_country, contract.start_date.getFullYear()).monthly_wage
lists:
  employer_side: [employer, agent, recruiter, supervisor]
tables:
  min_wage: {file: tables/min-wage.csv, key: [country, year]}
  ages: {file: ages.xlsx, key: country, columns: {minimum_age: number}}
rules:
  - id: costs
    title: Costs of a month's wage or more
    indicator: debt_bondage
    severity: high
    expr: variables.months >= 1.0
    message: "Paid {{variables.worker_costs}}, {{ variables.months }} months of wages"
    references: [r]
  - id: custody
    title: Passport held
    indicator: retention_of_identity_documents
    severity: critical
    expr: contract.passport_held_by in lists.employer_side
    message: "Held by {{contract.passport_held_by}}"
    references: [r]
  - id: min-wage
    title: Below the minimum wage
    indicator: abusive_working_and_living_conditions
    severity: high
    expr: contract.base_wage_monthly < variables.minimum
    message: "Paid {{contract.base_wage_monthly}}, minimum {{variables.minimum}} {{tables.min_wage(contract.employer_country, contract.start_date.getFullYear()).currency}}"
    references: [r]
  - id: national-age
    title: Under the national minimum age
    indicator: child_labour
    severity: critical
    expr: contract.age < tables.ages(contract.employer_country).minimum_age
    message: "x"
    references: [r]
`

const minWageCSV = "Country,Year,Monthly Wage,Currency\nMY,2024,\"1,500\",MYR\nMY,2023,,MYR\nTH,2024,9000,THB\n"

func declProgram(t testing.TB) *Program {
	t.Helper()
	dir := writeFiles(t, map[string]string{"rules.yaml": declRules, "tables/min-wage.csv": minWageCSV})
	writeXLSX(t, filepath.Join(dir, "ages.xlsx"), [][]any{{"Country", "Minimum age"}, {"MY", 15}, {"BD", 14}})
	return compileFiles(t, dir, CompileOptions{}, "rules.yaml")
}

func TestVariablesListsTables(t *testing.T) {
	p := declProgram(t)
	s := p.env.schema
	ev := p.NewEvaluator(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))

	costs := rule(t, p, "costs")
	assert.Equal(t, []string{"visa_cost_paid_by_worker", "travel_cost_paid_by_worker", "base_wage_monthly"}, fieldNames(s, costs.Fields),
		"fields read through variables count as the rule's evidence")
	assert.Equal(t, []string{"worker_costs", "months"}, costs.Variables)

	minWage := rule(t, p, "min-wage")
	assert.Equal(t, []string{"employer_country", "start_date", "base_wage_monthly"}, fieldNames(s, minWage.Fields))

	tests := []struct {
		name    string
		rule    string
		cells   map[string]string
		want    Status
		missing []string
		lookups []string
	}{
		{"costs over a month", "costs", map[string]string{"visa_cost_paid_by_worker": "500", "travel_cost_paid_by_worker": "600", "base_wage_monthly": "1000"}, Flag, nil, nil},
		{"costs under a month", "costs", map[string]string{"visa_cost_paid_by_worker": "500", "travel_cost_paid_by_worker": "400", "base_wage_monthly": "1000"}, Pass, nil, nil},
		{"costs blank", "costs", map[string]string{"visa_cost_paid_by_worker": "500", "base_wage_monthly": "1000"}, Insufficient, []string{"travel_cost_paid_by_worker"}, nil},
		{"custody list", "custody", map[string]string{"passport_held_by": "agent"}, Flag, nil, nil},
		{"custody worker", "custody", map[string]string{"passport_held_by": "worker"}, Pass, nil, nil},
		{"below minimum", "min-wage", map[string]string{"employer_country": "MY", "start_date": "2024-03-01", "base_wage_monthly": "1000"}, Flag, nil, nil},
		{"key case and spaces ignored", "min-wage", map[string]string{"employer_country": " my ", "start_date": "2024-03-01", "base_wage_monthly": "1000"}, Flag, nil, nil},
		{"above minimum", "min-wage", map[string]string{"employer_country": "TH", "start_date": "2024-03-01", "base_wage_monthly": "9500"}, Pass, nil, nil},
		{"no table row is insufficient, not a pass", "min-wage", map[string]string{"employer_country": "VN", "start_date": "2024-03-01", "base_wage_monthly": "1"}, Insufficient, nil,
			[]string{`table min_wage has no row for "VN", "2024"`}},
		{"blank table cell is insufficient", "min-wage", map[string]string{"employer_country": "MY", "start_date": "2023-03-01", "base_wage_monthly": "1"}, Insufficient, nil,
			[]string{`table min_wage has no monthly_wage for "MY", "2023"`}},
		{"blank key field is a missing field", "min-wage", map[string]string{"start_date": "2024-03-01", "base_wage_monthly": "1"}, Insufficient, []string{"employer_country"}, nil},
		{"xlsx table", "national-age", map[string]string{"employer_country": "BD", "age": "13"}, Flag, nil, nil},
		{"xlsx table pass", "national-age", map[string]string{"employer_country": "MY", "age": "15"}, Pass, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := ev.Eval(rule(t, p, tc.rule), row(t, s, tc.cells))
			require.Equal(t, tc.want, o.Status, "err: %v", o.Err)
			assert.Equal(t, tc.missing, fieldNames(s, o.Missing))
			assert.Equal(t, tc.lookups, o.Lookups)
		})
	}

	c := row(t, s, map[string]string{"visa_cost_paid_by_worker": "500", "travel_cost_paid_by_worker": "250", "base_wage_monthly": "500"})
	assert.Equal(t, "Paid 750, 1.5 months of wages", ev.Message(costs, c))
	assert.Equal(t, []string{"worker_costs=750", "months=1.5"}, ev.VariableValues(costs, c))
	c = row(t, s, map[string]string{"employer_country": "MY", "start_date": "2024-03-01", "base_wage_monthly": "1000"})
	assert.Equal(t, "Paid 1,000, minimum 1,500 MYR", ev.Message(minWage, c))

	var digests []string
	for _, tb := range p.Set.Tables() {
		assert.Len(t, tb.SHA256, 64)
		digests = append(digests, filepath.Base(tb.Path))
	}
	assert.Equal(t, []string{"min-wage.csv", "ages.xlsx"}, digests)
}

// TestVariablesOncePerContract checks a variable is computed once per
// contract however many rules read it, and again for the next contract.
func TestVariablesOncePerContract(t *testing.T) {
	p := declProgram(t)
	s := p.env.schema
	ev := p.NewEvaluator(time.Time{})
	costs := rule(t, p, "costs")
	a := row(t, s, map[string]string{"visa_cost_paid_by_worker": "500", "travel_cost_paid_by_worker": "600", "base_wage_monthly": "1000"})
	b := row(t, s, map[string]string{"visa_cost_paid_by_worker": "1", "travel_cost_paid_by_worker": "1", "base_wage_monthly": "1000"})
	assert.Equal(t, Flag, ev.Eval(costs, a).Status)
	slot := ev.act.cache[costs.cfile.index][0]
	require.NotNil(t, slot, "worker_costs is cached after the first rule")
	ev.Message(costs, a)
	assert.Equal(t, Pass, ev.Eval(costs, b).Status, "a new contract forgets the old values")
	assert.Equal(t, Flag, ev.Eval(costs, a).Status)
}

func TestLayering(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"base.yaml": `rules:
  - {id: fee-paid, title: Fee, indicator: debt_bondage, severity: high, expr: contract.recruitment_fee_paid_by_worker > 0, message: x, references: [r]}
  - {id: deposit, title: Deposit, indicator: debt_bondage, severity: high, expr: contract.deposit_amount > 0, message: x, references: [r]}
  - {id: xinjiang, title: Region, indicator: sourcing_risk, severity: critical, expr: contract.production_region == "Xinjiang", message: x, references: [r]}
  - {id: hours, title: Hours, indicator: excessive_overtime, severity: high, expr: contract.weekly_hours_total > 60.0, message: x, references: [r]}
`,
		"local.yaml": `overrides:
  - {id: fee-paid, severity: critical, reason: company policy}
disable:
  ids: [deposit]
  indicators: [sourcing_risk]
rules:
  - {id: local, title: Local, indicator: deception, severity: medium, expr: contract.has_written_contract == false, message: x, references: [r]}
`,
		"later.yaml": `overrides:
  - {id: local, severity: low}
  - {id: fee-paid, severity: medium}
`,
	})
	p := compileFiles(t, dir, CompileOptions{}, "base.yaml", "local.yaml", "later.yaml")
	var ids []string
	for _, r := range p.Rules {
		ids = append(ids, r.ID+"="+r.Severity.String())
	}
	assert.Equal(t, []string{"fee-paid=medium", "hours=high", "local=low"}, ids)
	fee := rule(t, p, "fee-paid")
	assert.Equal(t, contract.High, fee.DeclaredSeverity)
	require.Len(t, fee.Changes, 2)
	assert.Equal(t, filepath.Join(dir, "local.yaml")+":2: severity high → critical (company policy)", fee.Changes[0].String())
	assert.Equal(t, "severity critical → medium", fee.Changes[1].What)
	var off []string
	for _, r := range p.Set.Disabled {
		off = append(off, r.ID+" by "+filepath.Base(r.DisabledBy))
	}
	assert.Equal(t, []string{"deposit by local.yaml:4", "xinjiang by local.yaml:5"}, off)

	// Without the local layers the base file stands as written.
	p = compileFiles(t, dir, CompileOptions{}, "base.yaml")
	assert.Len(t, p.Rules, 4)
	assert.Equal(t, contract.High, rule(t, p, "fee-paid").Severity)
}

func TestLoadBuiltinPath(t *testing.T) {
	pack := writeFiles(t, map[string]string{
		"a.yaml": "rules:\n  - {id: a, title: A, indicator: deception, severity: high, expr: contract.has_written_contract == false, message: x, references: [r]}\n",
		"b.yaml": "rules:\n  - {id: b, title: B, indicator: deception, severity: high, expr: contract.has_written_contract == false, message: x, references: [r]}\n",
	})
	local := writeFiles(t, map[string]string{"local.yaml": "overrides: [{id: a, severity: low}]\n"})
	set, errs := Load([]string{BuiltinPath, filepath.Join(local, "local.yaml")}, LoadOptions{Builtin: os.DirFS(pack)})
	require.Empty(t, errs, errs.Detail())
	require.Len(t, set.Rules, 2)
	assert.Equal(t, "builtin:a.yaml:2", set.Rules[0].Source())
	assert.Equal(t, contract.Low, set.Rules[0].Severity)

	set, errs = Load([]string{"builtin:b.yaml"}, LoadOptions{Builtin: os.DirFS(pack)})
	require.Empty(t, errs, errs.Detail())
	require.Len(t, set.Rules, 1)
	assert.Equal(t, "b", set.Rules[0].ID)

	_, errs = Load([]string{"builtin:c.yaml"}, LoadOptions{Builtin: os.DirFS(pack)})
	require.Len(t, errs, 1)
	assert.Equal(t, "builtin:c.yaml: the built-in pack has no such file", errs[0].Error())
}

// TestRuntimeCostLimit checks that the estimate refuses a rule whose work
// grows faster than the text it reads, and that the runtime limit of a rule
// loaded anyway is what it costs on the longest cell: a long name decides.
func TestRuntimeCostLimit(t *testing.T) {
	const src = `rules:
  - id: pathological
    title: Quadratic work over the worker's name
    indicator: deception
    severity: high
    expr: contract.worker_name.split("").all(a, contract.worker_name.split("").all(b, a != b || a == b))
    message: x
    references: [r]
`
	dir := writeFiles(t, map[string]string{"rules.yaml": src})
	set, errs := Load([]string{filepath.Join(dir, "rules.yaml")}, LoadOptions{})
	require.Empty(t, errs)
	env, err := NewEnv(contract.DefaultSchema())
	require.NoError(t, err)

	_, errs = env.Compile(set, CompileOptions{})
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Msg, "is over the budget of 100000")

	p, errs := env.Compile(set, CompileOptions{CostBudget: math.MaxUint64})
	require.Empty(t, errs)
	s := env.Schema()
	ev := p.NewEvaluator(time.Time{})
	o := ev.Eval(p.Rules[0], row(t, s, map[string]string{"worker_name": strings.Repeat("x", 200)}))
	require.Equal(t, Flag, o.Status, "%v", o.Err)
	o = ev.Eval(p.Rules[0], row(t, s, map[string]string{"worker_name": "Ana"}))
	assert.Equal(t, Flag, o.Status, "a short name is cheap: %v", o.Err)
}

func TestWaivers(t *testing.T) {
	const src = `waivers:
  - rule: fee-paid
    contract: C-2
    reason: fee refunded in full
    approved_by: J. Smith
    expires: 2025-06-30
  - rule: fee-paid
    supplier: "  Acme   Garments "
    reason: supplier remediation plan
    approved_by: J. Smith
    expires: 2024-12-31
`
	ws, errs := ParseWaivers("w.yaml", []byte(src))
	require.Empty(t, errs, errs.Detail())
	require.Len(t, ws.List, 2)
	active, expired := ws.Split(time.Date(2025, 1, 1, 15, 0, 0, 0, time.UTC))
	require.Len(t, active, 1)
	require.Len(t, expired, 1)
	assert.Equal(t, "w.yaml:7", expired[0].Source())

	m := NewMatcher(ws.List)
	assert.NotNil(t, m.Match("fee-paid", "c-2", "", "Other"))
	assert.Nil(t, m.Match("deposit", "C-2", "", ""))
	assert.NotNil(t, m.Match("fee-paid", "C-9", "", "acme garments"))
	assert.Nil(t, m.Match("fee-paid", "C-9", "", "Acme"))
	var none *Matcher
	assert.Nil(t, none.Match("fee-paid", "C-2", "", ""))

	active, _ = ws.Split(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	assert.Len(t, active, 1, "a waiver applies on its expiry date")
}

func TestWaiverErrors(t *testing.T) {
	const src = `waivers:
  - rule: fee-paid
    contract_id: C-2
    reason: x
    expires: 30/06/2025
  - rule: deposit
    worker: W-1
    reason: y
    approved_by: z
`
	_, errs := ParseWaivers("w.yaml", []byte(src))
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	assert.Equal(t, []string{
		`w.yaml:2:5: waiver names no contract, worker or supplier`,
		`w.yaml:2:5: waiver without ` + "`approved_by`",
		`w.yaml:3:5: unknown waiver key "contract_id"`,
		`w.yaml:5:14: expires "30/06/2025" is not a date`,
		`w.yaml:6:5: waiver without ` + "`expires`",
	}, got)
}

// TestConcurrentEvaluators shares one program between goroutines, each with
// its own evaluator, as the engine does (run with -race).
func TestConcurrentEvaluators(t *testing.T) {
	p := declProgram(t)
	s := p.env.schema
	contracts := []*contract.Contract{
		row(t, s, map[string]string{"visa_cost_paid_by_worker": "500", "travel_cost_paid_by_worker": "600", "base_wage_monthly": "1000", "employer_country": "MY", "start_date": "2024-01-05"}),
		row(t, s, map[string]string{"visa_cost_paid_by_worker": "5", "travel_cost_paid_by_worker": "6", "base_wage_monthly": "1000", "employer_country": "VN", "start_date": "2024-01-05"}),
	}
	want := make([][]Status, len(contracts))
	ev := p.NewEvaluator(time.Time{})
	for i, c := range contracts {
		for _, r := range p.Rules {
			want[i] = append(want[i], ev.Eval(r, c).Status)
		}
	}
	done := make(chan [][]Status)
	for range 8 {
		go func() {
			ev := p.NewEvaluator(time.Time{})
			got := make([][]Status, len(contracts))
			for n := range 50 {
				for i, c := range contracts {
					if n == 0 {
						for _, r := range p.Rules {
							got[i] = append(got[i], ev.Eval(r, c).Status)
						}
					} else {
						for _, r := range p.Rules {
							ev.Eval(r, c)
						}
					}
				}
			}
			done <- got
		}()
	}
	for range 8 {
		assert.Equal(t, want, <-done)
	}
}
