package contract

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/laborcheck/laborcheck/internal/refdata"
)

// Deriver fills fields that a roster leaves blank but that follow from other
// fields: age from date of birth on the review date (and age_at_hire at the
// start date), total weekly hours from regular plus overtime, migrant status
// from nationality against the country of employment (through the countries
// table), the statutory minimum wage from a [MinimumWages] table, whether
// the contract is in the worker's language, the money ratios rules compare
// (recruitment costs in months of wages, non-statutory deductions as a
// share of the wage, the wage against the promised and the minimum wage,
// pro-rated for part-time work), and the fields read from the reference
// tables of internal/refdata (minimum ages, agency licence status, Xinjiang
// places, the goods list, withhold release orders).
//
// A derived value is marked Derived and says in Raw how it was reached. A
// value is derived only when every input it needs is present: otherwise the
// field stays blank, so rules that need it report insufficient data rather
// than guess. Amounts in two currencies are compared at the exchange-rate
// table's rates, and the Raw shows the conversion (see [Deriver.Derive]).
//
// A Deriver is immutable and safe for concurrent use.
type Deriver struct {
	asOf    time.Time
	ageRaw  string // the Raw of an age derived at asOf
	minWage *MinimumWages
	ref     *refdata.Set
	rf      refFields
	vv      *valueVocab
	types   []Type // of the schema's fields

	restDays, end int

	age, dob, start                       int
	total, regular, overtime              int
	migrant, nationality, employerCountry int
	region, currency                      int

	contractLang, nativeLang, inLanguage int

	wage, promised, minimum, deductions int
	costs                               [5]int // recruitment fee, visa, travel, medical, other
	costsTotal, feeMonths, costsMonths  int
	deductionShare, toPromised, toMin   int

	cache *derivedCache // derivations by the texts they depend on; shared by copies with the same tables
}

// NewDeriver prepares derivations for schema. asOf is the review date used
// for ages when a contract has no start date, and to pick the minimum wage in
// force; zero means today. Fields the schema lacks are not derived.
func NewDeriver(s *Schema, asOf time.Time) *Deriver {
	idx := func(name string) int {
		if f := s.Field(name); f != nil {
			return f.Index
		}
		return -1
	}
	if asOf.IsZero() {
		asOf = time.Now().UTC()
	}
	types := make([]Type, s.Len())
	for i, f := range s.Fields() {
		types[i] = f.Type
	}
	return &Deriver{
		asOf: asOf, ageRaw: ageRaw(asOf), vv: s.values(), types: types, ref: refdata.Default(), rf: newRefFields(idx),
		cache:    newDerivedCache(),
		restDays: idx("rest_days_per_week"), end: idx("contract_end_date"),
		age: idx("age"), dob: idx("date_of_birth"), start: idx("start_date"),
		total: idx("weekly_hours_total"), regular: idx("regular_hours_per_week"), overtime: idx("overtime_hours_per_week"),
		migrant: idx("is_migrant"), nationality: idx("nationality"), employerCountry: idx("employer_country"),
		region: idx("worksite_region"), currency: idx("currency"),
		contractLang: idx("contract_language"), nativeLang: idx("worker_native_language"), inLanguage: idx("contract_in_worker_language"),
		wage: idx("base_wage_monthly"), promised: idx("promised_monthly_wage"), minimum: idx("minimum_wage_monthly"),
		deductions: idx("deductions_total_monthly"),
		costs: [5]int{idx("recruitment_fee_paid_by_worker"), idx("visa_cost_paid_by_worker"), idx("travel_cost_paid_by_worker"),
			idx("medical_cost_paid_by_worker"), idx("other_recruitment_cost_paid_by_worker")},
		costsTotal: idx("recruitment_costs_total"), feeMonths: idx("recruitment_fee_months_of_wage"),
		costsMonths: idx("recruitment_costs_months_of_wage"), deductionShare: idx("deductions_share_of_wage"),
		toPromised: idx("wage_to_promised_ratio"), toMin: idx("wage_to_minimum_ratio"),
	}
}

// WithMinimumWages returns a copy of d that fills a blank
// minimum_wage_monthly from t, by employer_country and worksite_region, with
// the rate in force on the review date.
func (d *Deriver) WithMinimumWages(t *MinimumWages) *Deriver {
	n := *d
	n.minWage = t
	return &n
}

func (d *Deriver) has(c *Contract, i int) bool { return i >= 0 && c.Value(i).Present }

func (d *Deriver) blank(c *Contract, i int) bool {
	return i >= 0 && i < len(c.Values) && !c.Values[i].Present
}

// Derive fills c's derivable blank fields in place.
//
// Money: an amount's currency is the one its cell or column header names,
// else the row's currency column. Two amounts in one currency (or where
// neither names one, or one is zero) compare as they are; in two
// currencies, the first is converted at the exchange-rate table's rates: a
// fee of "NPR 150,000" against a wage of "MYR 1,500" is "NPR 150,000 ≈ MYR
// 5,304 at 0.03536 (rates of 2024-06-30)". A currency the table lacks
// leaves the ratio blank, and the rule reports insufficient data.
//
// Relative values are resolved first, so that the derivations below see
// them: an amount in wages ("Half month's wage") from base_wage_monthly,
// hours per day from the working days a week, pay deferred to the end of
// the contract from the contract's length (see [Deriver.resolve]).
func (d *Deriver) Derive(c *Contract) {
	d.resolve(c)
	// age is the age on the review date: child-labour rules speak of the
	// worker as they are now. The age at hire is age_at_hire.
	d.deriveReference(c)
	if d.blank(c, d.age) && d.has(c, d.dob) {
		if a, ok := yearsBetween(c.Values[d.dob].Time, d.asOf); ok {
			c.Values[d.age] = Value{Present: true, Int: int64(a), Derived: true, Raw: d.ageRaw}
		}
	}
	if d.blank(c, d.total) && d.has(c, d.regular) && d.has(c, d.overtime) {
		c.Values[d.total] = Value{Present: true, Num: c.Values[d.regular].Num + c.Values[d.overtime].Num, Derived: true,
			Raw: "derived: regular_hours_per_week + overtime_hours_per_week"}
	}
	if d.blank(c, d.migrant) && d.has(c, d.nationality) && d.has(c, d.employerCountry) {
		nat, emp := c.Values[d.nationality].Str, c.Values[d.employerCountry].Str
		if r := d.cache.get(derivedKey{kind: kindMigrant, a: nat, b: emp}, func() derived {
			n, e := countryKeyIn(d.ref.Countries, nat), countryKeyIn(d.ref.Countries, emp)
			if n == "" || e == "" {
				return derived{}
			}
			return derived{ok: true, v: Value{Present: true, Bool: n != e, Derived: true,
				Raw: "derived: nationality " + nat + " vs employer_country " + emp}}
		}); r.ok {
			c.Values[d.migrant] = r.v
		}
	}
	if d.blank(c, d.inLanguage) && d.has(c, d.contractLang) && d.has(c, d.nativeLang) {
		cl, nl := c.Values[d.contractLang].Str, c.Values[d.nativeLang].Str
		if r := d.cache.get(derivedKey{kind: kindLanguage, a: cl, b: nl}, func() derived {
			in, ok := d.vv.languageCovered(cl, nl)
			if !ok {
				return derived{}
			}
			return derived{ok: true, v: Value{Present: true, Bool: in, Derived: true,
				Raw: "derived: contract_language " + cl + " vs worker_native_language " + nl}}
		}); r.ok {
			c.Values[d.inLanguage] = r.v
		}
	}
	d.deriveMinimumWage(c)
	d.deriveMoney(c)
}

func (d *Deriver) deriveMinimumWage(c *Contract) {
	if d.minWage == nil || !d.blank(c, d.minimum) || !d.has(c, d.employerCountry) {
		return
	}
	region := ""
	if d.has(c, d.region) {
		region = c.Values[d.region].Str
	}
	r, ok := d.minWage.Lookup(c.Values[d.employerCountry].Str, region, d.asOf)
	if !ok {
		return
	}
	where := r.Country
	if r.Region != "" {
		where += " " + r.Region
	}
	raw := fmt.Sprintf("from minimum-wage table: %s, in force from %s", where, r.From.Format(time.DateOnly))
	if r.Source != "" {
		raw += ", source: " + r.Source
	}
	c.Values[d.minimum] = Value{Present: true, Num: r.Monthly, Currency: r.Currency, Derived: true, Raw: raw}
}

// money is an amount with its resolved currency ("" when none is named).
type money struct {
	amount   float64
	currency string
}

func (d *Deriver) money(c *Contract, i int) (money, bool) {
	if !d.has(c, i) {
		return money{}, false
	}
	v := &c.Values[i]
	m := money{amount: v.Num, currency: v.Currency}
	if m.currency == "" && d.has(c, d.currency) {
		s := c.Values[d.currency].Str
		if code := CurrencyCode(s); code != "" {
			m.currency = code
		} else {
			m.currency = strings.ToUpper(strings.TrimSpace(s))
		}
	}
	return m, true
}

// comparable reports whether two amounts can be set against each other
// without an exchange rate.
func (m money) comparable(o money) bool {
	return m.amount == 0 || o.amount == 0 || m.currency == o.currency
}

// ratio sets field i to num/den when both are present and comparable and den
// is positive; raw says how ("derived: …").
//
// Amounts in two currencies are set against each other at the exchange-rate
// table's rate, and raw then shows the conversion.
func (d *Deriver) ratio(c *Contract, i int, num, den money, okNum, okDen bool, raw string) {
	if !d.blank(c, i) || !okNum || !okDen || den.amount <= 0 {
		return
	}
	if !num.comparable(den) {
		conv, how, ok := d.convert(c, num, den.currency)
		if !ok {
			return
		}
		num, raw = conv, raw+"; "+how
	}
	c.Values[i] = Value{Present: true, Num: num.amount / den.amount, Derived: true, Raw: raw}
}

func (d *Deriver) deriveMoney(c *Contract) {
	if d.blank(c, d.costsTotal) {
		if total, raw, ok := d.recruitmentCosts(c); ok {
			c.Values[d.costsTotal] = Value{Present: true, Num: total.amount, Currency: total.currency, Derived: true, Raw: raw}
		}
	}
	wage, okWage := d.money(c, d.wage)
	fee, okFee := d.money(c, d.costs[0])
	total, okTotal := d.money(c, d.costsTotal)
	ded, okDed := d.money(c, d.deductions)
	ded.amount = math.Abs(ded.amount) // "(200)" and "-200" are deductions of 200
	dedRaw := "derived: deductions_total_monthly / base_wage_monthly"
	if okDed {
		ded, dedRaw, okDed = d.nonStatutory(c, ded)
	}
	promised, okPromised := d.money(c, d.promised)
	minimum, okMin := d.money(c, d.minimum)
	minRaw := "derived: base_wage_monthly / minimum_wage_monthly"
	if okMin {
		minimum, minRaw = d.proRata(c, minimum, minRaw)
	}
	d.ratio(c, d.feeMonths, fee, wage, okFee, okWage, "derived: recruitment_fee_paid_by_worker / base_wage_monthly")
	d.ratio(c, d.costsMonths, total, wage, okTotal, okWage, "derived: recruitment_costs_total / base_wage_monthly")
	d.ratio(c, d.deductionShare, ded, wage, okDed, okWage, dedRaw)
	d.ratio(c, d.toPromised, wage, promised, okWage, okPromised, "derived: base_wage_monthly / promised_monthly_wage")
	d.ratio(c, d.toMin, wage, minimum, okWage, okMin, minRaw)
}

// recruitmentCosts sums the worker-paid cost fields the contract's sheet has
// a column for, when each of those is present and the non-zero ones share
// a currency. A cost the roster has no column for is not counted (nor does
// it make the total unknown); a blank or unreadable cost cell does. raw
// names the fields summed.
func (d *Deriver) recruitmentCosts(c *Contract) (total money, raw string, ok bool) {
	var summed uint8 // bit k: recruitmentCostFields[k] was summed
	var convs []string
	for k, i := range d.costs {
		if i < 0 || !c.HasColumn(i) {
			continue
		}
		m, ok := d.money(c, i)
		if !ok {
			return money{}, "", false
		}
		summed |= 1 << k
		if m.amount == 0 {
			continue
		}
		if total.amount != 0 && total.currency != m.currency {
			conv, how, ok := d.convert(c, m, total.currency)
			if !ok {
				return money{}, "", false
			}
			m = conv
			convs = append(convs, how)
		}
		total.amount += m.amount
		total.currency = m.currency
	}
	if summed == 0 {
		return money{}, "", false
	}
	if len(convs) > 0 {
		return total, costsRaw[summed] + "; " + strings.Join(convs, "; "), true
	}
	return total, costsRaw[summed], true
}

// costsRaw is the Raw of a recruitment_costs_total, by the set of cost
// fields summed.
var costsRaw = func() (out [1 << len(recruitmentCostFields)]string) {
	for set := range out {
		var names []string
		for k, name := range recruitmentCostFields {
			if set&(1<<k) != 0 {
				names = append(names, name)
			}
		}
		out[set] = "derived: " + strings.Join(names, " + ")
	}
	return out
}()

// ageRaw says how an age was derived.
func ageRaw(at time.Time) string { return "derived from date_of_birth at " + at.Format(time.DateOnly) }

func yearsBetween(birth, at time.Time) (int, bool) {
	if at.Before(birth) {
		return 0, false
	}
	y := at.Year() - birth.Year()
	if at.Month() < birth.Month() || at.Month() == birth.Month() && at.Day() < birth.Day() {
		y--
	}
	return y, y < 130
}

// countryKey folds a country or nationality to a comparable key, so that
// "Nepal", "Nepali", "NP" and "NPL" agree: the lower-case ISO 3166 alpha-2
// code of the built-in countries table (internal/refdata/countries.csv),
// else the normalised words.
func countryKey(s string) string { return countryKeyIn(refdata.Default().Countries, s) }

func countryKeyIn(cs *refdata.Countries, s string) string {
	if c, ok := cs.Lookup(s); ok {
		return strings.ToLower(c.Alpha2)
	}
	var buf [64]byte
	return string(fold(buf[:0], s))
}

// CountryKey folds a country name, demonym or ISO 3166 code to the
// lower-case alpha-2 code when it is known ("Malaysia", "Malaysian", "MYS"
// all give "my"), else to its normalised words. Tables keyed by country use
// it so that a roster's spelling and the table's agree.
func CountryKey(s string) string { return countryKey(s) }

// The language names and codes (values.yaml: languages) fold to one key
// per language. Malay and Indonesian share a key: "Bahasa" is written for
// either, and a contract in one is read by speakers of the other.

// languageKeys reads the languages a cell names: "English/Nepali",
// "EN + NE", "Bahasa Malaysia and English". Words it does not know are kept
// as they are, so unknown languages still compare by name.
func languageKeys(s string) []string { return defaultValues.appendLanguageKeys(nil, s) }

func appendLanguageKeys(out []string, s string) []string {
	return defaultValues.appendLanguageKeys(out, s)
}

func appendLanguageKeysSlow(out []string, s string) []string {
	return defaultValues.appendLanguageKeysSlow(out, s)
}

// appendLanguageKeys appends the languageKeys of s to out. It allocates
// only for words it does not know (and a long cell).
func (vv *valueVocab) appendLanguageKeys(out []string, s string) []string {
	var buf [64]byte
	folded := fold(buf[:0], s)
	var spans [16][2]int // the words of folded
	n := 0
	for i := 0; i < len(folded); {
		j := i
		for j < len(folded) && folded[j] != ' ' {
			j++
		}
		if n == len(spans) {
			return vv.appendLanguageKeysSlow(out, s)
		}
		spans[n] = [2]int{i, j}
		n++
		i = j + 1
	}
	for i := 0; i < n; i++ {
		if i+1 < n {
			// Two words: the folded text from the first to the second.
			if k, ok := vv.languages[string(folded[spans[i][0]:spans[i+1][1]])]; ok {
				out = append(out, k)
				i++
				continue
			}
		}
		w := folded[spans[i][0]:spans[i][1]]
		if vv.langFillers[string(w)] {
			continue
		}
		if k, ok := vv.languages[string(w)]; ok {
			out = append(out, k)
		} else if k := countryLanguage(string(w)); k != "" {
			out = append(out, k)
		} else {
			out = append(out, string(w))
		}
	}
	return out
}

func (vv *valueVocab) appendLanguageKeysSlow(out []string, s string) []string {
	words := strings.Fields(NormalizeWord(s))
	for i := 0; i < len(words); i++ {
		if i+1 < len(words) {
			if k, ok := vv.languages[words[i]+" "+words[i+1]]; ok {
				out = append(out, k)
				i++
				continue
			}
		}
		w := words[i]
		if vv.langFillers[w] {
			continue
		}
		if k, ok := vv.languages[w]; ok {
			out = append(out, k)
		} else if k := countryLanguage(w); k != "" {
			out = append(out, k)
		} else {
			out = append(out, w)
		}
	}
	return out
}

// countryLanguage reads a word the language vocabulary does not know as a
// country or nationality ("Bangladeshi", "Nepal"): its language, from the
// countries table, when the country has one main language; else "".
func countryLanguage(w string) string {
	if len(w) < 4 {
		return "" // codes ("in", "my") are languages' or nothing
	}
	c, ok := refdata.Default().Countries.Lookup(w)
	if !ok || len(c.Languages) != 1 {
		return ""
	}
	return c.Languages[0]
}

// languageCovered reports whether the contract's language(s) include one of
// the worker's native language(s); ok is false when either names nothing.
func (vv *valueVocab) languageCovered(contractLang, nativeLang string) (covered, ok bool) {
	var cbuf, nbuf [8]string
	cl, nl := vv.appendLanguageKeys(cbuf[:0], contractLang), vv.appendLanguageKeys(nbuf[:0], nativeLang)
	if len(cl) == 0 || len(nl) == 0 {
		return false, false
	}
	for _, n := range nl {
		for _, k := range cl {
			if n == k {
				return true, true
			}
		}
	}
	return false, true
}

// resolve turns the contract's relative values into values:
//
//   - BasisMonthlyWage (money: "Half month's wage", "5% of salary", a share
//     of the wage): Rel × base_wage_monthly, in the wage's currency;
//   - BasisWorkdays (a number given per day, as in a column of "Hours per
//     day"): Rel × the working days of a week, 7 − rest_days_per_week, or
//     values.yaml's assume.workdays_per_week (6, one rest day in seven) when
//     the rest days are blank;
//   - BasisContract (pay "on completion of contract", Present already at
//     the assumed length): Rel × the days from start_date to
//     contract_end_date, or values.yaml's assume.deferred_pay_days when
//     either is blank.
//
// A resolved value is Present, not Derived (it was read from its cell), and
// its Raw keeps the cell's text and adds how it was resolved: "Half
// month's wage (= 750 MYR: 0.5 × base_wage_monthly)". A value whose basis
// is blank in the row stays blank, so its rules report insufficient data.
func (d *Deriver) resolve(c *Contract) {
	for i := range c.Values {
		v := &c.Values[i]
		if v.Basis == BasisNone || v.Present && v.Basis != BasisContract || i >= len(d.types) {
			continue
		}
		switch v.Basis {
		case BasisMonthlyWage:
			if !d.has(c, d.wage) || i == d.wage {
				continue
			}
			w := c.Values[d.wage]
			if w.Basis != BasisNone {
				continue
			}
			rel := v.Num
			x := rel * w.Num
			if !d.setNumber(v, i, x) {
				continue
			}
			v.Currency = w.Currency
			shown := formatNumber(x)
			if w.Currency != "" {
				shown += " " + w.Currency
			}
			v.Raw += fmt.Sprintf(" (= %s: %s × base_wage_monthly)", shown, formatNumber(rel))
		case BasisWorkdays:
			days, how := d.vv.workdays, "one rest day in seven assumed"
			if d.has(c, d.restDays) {
				if r := c.Values[d.restDays].Num; r >= 0 && r <= 7 {
					days, how = 7-r, "7 − rest_days_per_week"
				}
			}
			rel := v.Num
			x := rel * days
			if !d.setNumber(v, i, x) {
				continue
			}
			v.Raw += fmt.Sprintf(" (= %s a week: %s a day × %s working days, %s)", formatNumber(x), formatNumber(rel), formatNumber(days), how)
		case BasisContract:
			days, how := float64(d.vv.deferredDays), "paid at the end of the contract; contract dates blank, at least a season assumed"
			if d.has(c, d.start) && d.has(c, d.end) {
				if n := c.Values[d.end].Time.Sub(c.Values[d.start].Time).Hours() / 24; n > 0 {
					days, how = math.Round(n), "paid at the end of the contract: start_date to contract_end_date"
				}
			}
			x := v.Num * days
			if !d.setNumber(v, i, x) {
				continue
			}
			v.Raw += fmt.Sprintf(" (= %s days: %s)", formatNumber(x), how)
			v.Num, v.Basis = 0, BasisNone // resolved once, even if derived again
		}
	}
}

// setNumber stores a resolved number in v as its field's type wants it.
func (d *Deriver) setNumber(v *Value, i int, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return false
	}
	switch d.types[i] {
	case Number, Money:
		v.Num = x
	case Int, Duration:
		if math.Abs(x) >= 1<<53 {
			return false
		}
		v.Int = int64(math.Round(x))
	default:
		return false
	}
	v.Present = true
	return true
}
