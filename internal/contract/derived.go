package contract

import "strings"

// Derivation says which fields a derived field is computed from (see
// [Deriver]). Coverage uses it: a rule that reads a derived field can run on
// a roster that lacks the field's column but has the columns it is derived
// from.
type Derivation struct {
	Field  string   // the derived field
	Inputs []string // the fields it is computed from
	// Any means one input with a column is enough: the value sums the
	// inputs the roster has (recruitment_costs_total). Otherwise every
	// input is needed.
	Any bool
	// MinimumWages means the value comes from a minimum-wage table, so it
	// is derivable only when a scan has one.
	MinimumWages bool
}

// Derivations lists the fields [Deriver] fills, by field name.
var Derivations = []Derivation{
	{Field: "age", Inputs: []string{"date_of_birth"}},
	{Field: "weekly_hours_total", Inputs: []string{"regular_hours_per_week", "overtime_hours_per_week"}},
	{Field: "is_migrant", Inputs: []string{"nationality", "employer_country"}},
	{Field: "contract_in_worker_language", Inputs: []string{"contract_language", "worker_native_language"}},
	{Field: "minimum_wage_monthly", Inputs: []string{"employer_country"}, MinimumWages: true},
	{Field: "recruitment_costs_total", Inputs: recruitmentCostFields[:], Any: true},
	{Field: "recruitment_fee_months_of_wage", Inputs: []string{"recruitment_fee_paid_by_worker", "base_wage_monthly"}},
	{Field: "recruitment_costs_months_of_wage", Inputs: []string{"recruitment_costs_total", "base_wage_monthly"}},
	{Field: "deductions_share_of_wage", Inputs: []string{"deductions_total_monthly", "base_wage_monthly"}},
	{Field: "wage_to_promised_ratio", Inputs: []string{"base_wage_monthly", "promised_monthly_wage"}},
	{Field: "wage_to_minimum_ratio", Inputs: []string{"base_wage_monthly", "minimum_wage_monthly"}},
	{Field: "age_at_hire", Inputs: []string{"date_of_birth", "start_date"}},
	{Field: "date_of_birth_age_gap", Inputs: []string{"age", "date_of_birth"}},
	{Field: "minimum_age_general", Inputs: []string{"employer_country"}},
	{Field: "minimum_age_light", Inputs: []string{"employer_country"}},
	{Field: "minimum_age_hazardous", Inputs: []string{"employer_country"}},
	{Field: "agency_licence_status", Inputs: []string{"recruitment_agency_name", "recruitment_agency_license_no"}, Any: true},
	{Field: "xinjiang_place", Inputs: []string{"production_region", "worksite_region", "country_of_origin", "employer_country"}, Any: true},
	{Field: "dol_listed_good", Inputs: []string{"product"}},
	{Field: "cbp_wro", Inputs: []string{"supplier_name", "product"}},
}

// recruitmentCostFields are the worker-paid costs recruitment_costs_total
// adds up.
var recruitmentCostFields = [...]string{
	"recruitment_fee_paid_by_worker", "visa_cost_paid_by_worker", "travel_cost_paid_by_worker",
	"medical_cost_paid_by_worker", "other_recruitment_cost_paid_by_worker",
}

// Derived is [Derivations] resolved against one schema: field indexes in
// place of names. It is immutable and safe for concurrent use.
type Derived struct {
	n    int
	deps [][]int // by field index: the inputs, nil for a field that is read, not derived
	any  []bool  // by field index: Derivation.Any
}

// NewDerived resolves [Derivations] for schema s. minimumWages says whether
// the scan has a minimum-wage table. Derivations whose field or inputs the
// schema lacks are left out (for Any: the inputs it lacks).
func NewDerived(s *Schema, minimumWages bool) *Derived {
	d := &Derived{n: s.Len(), deps: make([][]int, s.Len()), any: make([]bool, s.Len())}
	for _, dv := range Derivations {
		f := s.Field(dv.Field)
		if f == nil || dv.MinimumWages && !minimumWages {
			continue
		}
		var in []int
		complete := true
		for _, name := range dv.Inputs {
			if g := s.Field(name); g != nil {
				in = append(in, g.Index)
			} else {
				complete = false
			}
		}
		if len(in) == 0 || !complete && !dv.Any {
			continue
		}
		d.deps[f.Index], d.any[f.Index] = in, dv.Any
	}
	return d
}

// Inputs returns the fields field i is derived from, nil when it is not
// derived.
func (d *Derived) Inputs(i int) []int {
	if i < 0 || i >= len(d.deps) {
		return nil
	}
	return d.deps[i]
}

// Available returns, by field index, whether a roster whose columns are has
// provides the field: it has a column, or the field is derived from fields
// available.
func (d *Derived) Available(has []bool) []bool {
	out := make([]bool, d.n)
	copy(out, has)
	// Derived fields feed others (the ratios read recruitment_costs_total
	// and minimum_wage_monthly): repeat until nothing changes.
	for changed := true; changed; {
		changed = false
		for i, in := range d.deps {
			if out[i] || in == nil {
				continue
			}
			ok := !d.any[i]
			for _, j := range in {
				if d.any[i] && out[j] {
					ok = true
					break
				}
				if !d.any[i] && !out[j] {
					ok = false
					break
				}
			}
			if ok {
				out[i], changed = true, true
			}
		}
	}
	return out
}

// Expand calls keep with each field that field i stands for: i itself, and,
// when i is derived, its inputs, theirs, and so on. It stops descending at
// a field for which descend returns false.
func (d *Derived) Expand(i int, descend func(int) bool, keep func(int)) {
	d.expand(i, descend, keep, 0)
}

func (d *Derived) expand(i int, descend func(int) bool, keep func(int), depth int) {
	keep(i)
	if depth > 4 || !descend(i) {
		return
	}
	for _, j := range d.Inputs(i) {
		d.expand(j, descend, keep, depth+1)
	}
}

// Label returns the words a roster would use as the field's header: its
// first alias, else its name with spaces ("recruitment costs total").
func (f *Field) Label() string {
	if len(f.Aliases) > 0 {
		return f.Aliases[0]
	}
	return strings.ReplaceAll(f.Name, "_", " ")
}

// Any reports whether field i is derived from any one of its inputs (see
// Derivation.Any).
func (d *Derived) Any(i int) bool { return i >= 0 && i < len(d.any) && d.any[i] }
