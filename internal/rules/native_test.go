package rules

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
	defaultrules "github.com/laborcheck/laborcheck/rules"
)

// nativeProbeRules exercise every construct native evaluation knows, and
// some it leaves to CEL.
const nativeProbeRules = `rules:
  - {id: p-num, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "contract.recruitment_fee_paid_by_worker > 0 || contract.age <= 17"}
  - {id: p-cross, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "contract.age == 16 || contract.weekly_hours_total != 60.0 && contract.notice_period_days_worker >= 30.5 || contract.age < 16.5"}
  - {id: p-str, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "contract.worker_name < 'M' && contract.nationality != '' || contract.employer_name == contract.supplier_name"}
  - {id: p-in, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "contract.passport_held_by in ['employer', 'agent'] || !(contract.wage_paid_to in ['worker'])"}
  - {id: p-has, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "has(contract.deposit_amount) ? contract.deposit_amount > 0 : contract.is_migrant == true"}
  - {id: p-cond, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "(contract.is_migrant ? contract.nationality : contract.employer_country) == 'Nepal'"}
  - {id: p-date, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "contract.contract_signed_date > contract.arrival_date || contract.start_date >= review_date"}
  - {id: p-bool, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "contract.hazardous_work == false && contract.night_work != contract.overtime_voluntary"}
  - {id: p-re, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "(contract.worksite_region + ' | ' + contract.product).matches('(?i)xin\\\\W*jiang|cotton')"}
  - {id: p-not, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "!contract.housing_curfew || !(contract.base_wage_monthly < contract.minimum_wage_monthly)"}
  - {id: p-arith-d, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "contract.deductions_total_monthly / contract.base_wage_monthly > 0.25 || contract.deposit_amount * 2.0 - contract.base_wage_monthly >= 1.0 + contract.weekly_hours_total"}
  - {id: p-arith-i, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], expr: "contract.age / (contract.age - 16) > 1 || contract.age % (contract.age - 17) == 0 || contract.age * 9223372036854775807 > 0 || contract.age + 9223372036854775807 > 0 || -9223372036854775807 - contract.age < 0"}
  - id: p-cel
    title: t
    indicator: debt_bondage
    severity: high
    message: m
    references: [r]
    expr: "size(contract.worker_name) > 3 && contract.deposit_amount * 2.0 > 10.0"
    escalate:
      - {when: "contract.deposit_amount > 1000", severity: critical}
  - {id: p-when, title: t, indicator: debt_bondage, severity: high, message: m, references: [r], when: "contract.base_wage_monthly > 0", expr: "contract.deductions_share_of_wage > 0.25"}
`

// Native evaluation gives what CEL gives, on random contracts with fields
// present, absent and at edge values, for the built-in pack and the probe
// rules above.
func TestNativeMatchesCEL(t *testing.T) {
	schema := contract.DefaultSchema()
	env, err := NewEnv(schema)
	require.NoError(t, err)
	var progs []*Program
	set, errs := LoadFS(defaultrules.FS, "builtin:")
	require.Empty(t, errs, errs.Detail())
	p, errs := env.Compile(set, CompileOptions{})
	require.Empty(t, errs, errs.Detail())
	progs = append(progs, p)
	dir := writeFiles(t, map[string]string{"probe.yaml": nativeProbeRules})
	set, errs = Load([]string{filepath.Join(dir, "probe.yaml")}, LoadOptions{})
	require.Empty(t, errs, errs.Detail())
	p, errs = env.Compile(set, CompileOptions{})
	require.Empty(t, errs, errs.Detail())
	progs = append(progs, p)

	native := 0
	for _, p := range progs {
		for _, r := range p.Rules {
			if r.expr.native != nil {
				native++
			}
		}
	}
	t.Logf("%d rules evaluated natively", native)
	assert.Greater(t, native, 30)

	review := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		c := randomContract(rng, schema, i)
		for _, p := range progs {
			fast, slow := p.NewEvaluator(review), p.NewEvaluator(review)
			slow.celOnly = true
			for _, r := range p.Rules {
				got, want := fast.Eval(r, c), slow.Eval(r, c)
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("rule %s on contract %d: native %+v, CEL %+v\n%s", r.ID, i, got, want, describe(schema, c))
				}
			}
		}
	}
}

func describe(s *contract.Schema, c *contract.Contract) string {
	var b strings.Builder
	for _, f := range s.Fields() {
		if v := c.Values[f.Index]; v.Present {
			fmt.Fprintf(&b, "  %s=%v\n", f.Name, v.Native(f.Type))
		}
	}
	return b.String()
}

// randomContract fills about half the fields with values chosen to sit on
// the rules' edges.
func randomContract(rng *rand.Rand, s *contract.Schema, i int) *contract.Contract {
	c := &contract.Contract{File: "r.csv", Row: i + 2, Values: make([]contract.Value, s.Len())}
	words := []string{"", "employer", "agent", "worker", "Nepal", "Malaysia", "Xinjiang", "cotton", "M", "Ana", "Zed", "x", "China", " cn ", "新疆", "Kashgar", "PRC"}
	nums := []float64{0, -1, 0.25, 0.3, 1, 16, 16.5, 17, 30, 30.5, 60, 61, 1000, 1001, math.MaxInt64 * 2, -math.MaxInt64 * 2}
	dates := []time.Time{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, f := range s.Fields() {
		if rng.IntN(2) == 0 {
			continue
		}
		v := contract.Value{Present: true, Raw: "x"}
		switch f.Type {
		case contract.Int, contract.Duration:
			v.Int = int64(nums[rng.IntN(len(nums)-2)])
		case contract.Number, contract.Money:
			v.Num = nums[rng.IntN(len(nums))]
		case contract.Bool:
			v.Bool = rng.IntN(2) == 0
		case contract.Date:
			v.Time = dates[rng.IntN(len(dates))]
		default:
			v.Str = words[rng.IntN(len(words))]
			if f.Type == contract.Enum && len(f.Values) > 0 {
				v.Str = f.Values[rng.IntN(len(f.Values))]
			}
		}
		c.Values[f.Index] = v
	}
	return c
}

// An expression whose cost grows with text is evaluated natively only while
// the text is short enough for the cost limit not to be reached, which
// covers cells of MaxCellText characters; past that, CEL evaluates it and
// reports the limit.
func TestNativeLeavesLongTextToCEL(t *testing.T) {
	const src = `rules:
  - id: regex
    title: t
    indicator: sourcing_risk
    severity: high
    message: m
    references: [r]
    expr: (contract.worksite_region + contract.product).matches('(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p)+z')
`
	dir := writeFiles(t, map[string]string{"r.yaml": src})
	set, errs := Load([]string{filepath.Join(dir, "r.yaml")}, LoadOptions{})
	require.Empty(t, errs)
	env, err := NewEnv(contract.DefaultSchema())
	require.NoError(t, err)
	p, errs := env.Compile(set, CompileOptions{CostLimit: 2000})
	require.Empty(t, errs, errs.Detail())
	r := p.Rules[0]
	require.NotNil(t, r.expr.native)
	require.NotNil(t, r.expr.native.costByLog, "the cost depends on the text")
	s := env.Schema()
	short := row(t, s, map[string]string{"worksite_region": "ab", "product": "z"})
	_, ok := r.expr.native.eval(short, &nenv{review: time.Now()})
	assert.True(t, ok, "short text is evaluated natively")
	// The limit is raised to what the expression costs on cells of
	// MaxCellText characters: a long cell decides.
	long := row(t, s, map[string]string{"worksite_region": strings.Repeat("a", 5000), "product": "z"})
	v, ok := r.expr.native.eval(long, &nenv{review: time.Now()})
	assert.True(t, ok && v.k == nBool && v.b, "a long cell is evaluated natively")
	ev := p.NewEvaluator(time.Now())
	full := row(t, s, map[string]string{"worksite_region": strings.Repeat("a", MaxCellText), "product": strings.Repeat("b", MaxCellText)})
	_, ok = r.expr.native.eval(full, &nenv{review: time.Now()})
	assert.True(t, ok, "cells of the longest length are evaluated natively")
	o := ev.Eval(r, full)
	assert.Equal(t, Pass, o.Status, "%v", o.Err)
	// Text longer than any cell is left to CEL, which reports the limit.
	long = row(t, s, map[string]string{"worksite_region": strings.Repeat("a", 4*MaxCellText), "product": "z"})
	_, ok = r.expr.native.eval(long, &nenv{review: time.Now()})
	assert.False(t, ok, "text beyond the cell limit is left to CEL")
	o = ev.Eval(r, long)
	assert.Equal(t, Failed, o.Status)
	assert.EqualError(t, o.Err, "evaluation cost limit exceeded")
}

// BenchmarkEvalBuiltin evaluates the built-in pack on random contracts,
// natively where it can and with CEL only.
func BenchmarkEvalBuiltin(b *testing.B) {
	schema := contract.DefaultSchema()
	env, err := NewEnv(schema)
	require.NoError(b, err)
	set, errs := LoadFS(defaultrules.FS, "builtin:")
	require.Empty(b, errs)
	p, errs := env.Compile(set, CompileOptions{})
	require.Empty(b, errs)
	rng := rand.New(rand.NewPCG(1, 2))
	cs := make([]*contract.Contract, 1000)
	for i := range cs {
		cs[i] = randomContract(rng, schema, i)
	}
	for _, celOnly := range []bool{false, true} {
		b.Run(fmt.Sprintf("celOnly=%v", celOnly), func(b *testing.B) {
			ev := p.NewEvaluator(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
			ev.celOnly = celOnly
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				c := cs[i%len(cs)]
				for _, r := range p.Rules {
					ev.Eval(r, c)
				}
			}
		})
	}
}

// A decision read by its testers (nativeExpr.decide, what Eval runs) gives
// what its tree's value gives, bail included, for every decision of the
// built-in pack and the probe rules, on random contracts (some with NaN
// amounts, which are left to CEL when ordered).
func TestTestersMatchTree(t *testing.T) {
	schema := contract.DefaultSchema()
	env, err := NewEnv(schema)
	require.NoError(t, err)
	var decisions []*decision
	set, errs := LoadFS(defaultrules.FS, "builtin:")
	require.Empty(t, errs, errs.Detail())
	dir := writeFiles(t, map[string]string{"probe.yaml": nativeProbeRules})
	probe, errs := Load([]string{filepath.Join(dir, "probe.yaml")}, LoadOptions{})
	require.Empty(t, errs, errs.Detail())
	for _, s := range []*Set{set, probe} {
		p, errs := env.Compile(s, CompileOptions{})
		require.Empty(t, errs, errs.Detail())
		for _, r := range p.Rules {
			for _, d := range []*decision{r.when, r.expr} {
				if d != nil && d.native != nil {
					decisions = append(decisions, d)
				}
			}
			for _, esc := range r.escalate {
				if esc.prog.native != nil {
					decisions = append(decisions, esc.prog)
				}
			}
		}
	}
	require.Greater(t, len(decisions), 30)
	rng := rand.New(rand.NewPCG(3, 4))
	nenv := &nenv{review: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}
	for i := range 5000 {
		c := randomContract(rng, schema, i)
		if i%7 == 0 {
			for _, f := range schema.Fields() {
				if (f.Type == contract.Number || f.Type == contract.Money) && c.Values[f.Index].Present && rng.IntN(3) == 0 {
					c.Values[f.Index].Num = math.NaN()
				}
			}
		}
		for j, d := range decisions {
			v, ok := d.native.eval(c, nenv)
			want, wantUnk := qSlow, fieldSet{}
			switch {
			case !ok:
			case v.k == nBool && v.b:
				want = qTrue
			case v.k == nBool:
				want = qFalse
			case v.k == nUnknown:
				want, wantUnk = qUnknown, v.unk
			}
			if got, unk := d.native.decide(c, nenv); got != want || unk != wantUnk {
				t.Fatalf("decision %d on contract %d: testers %v %v, tree %v %v\n%s", j, i, got, unk, want, wantUnk, describe(schema, c))
			}
		}
	}
}
