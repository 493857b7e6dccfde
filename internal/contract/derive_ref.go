package contract

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/laborcheck/laborcheck/internal/refdata"
)

// refFields are the field indexes of the derivations that read reference
// tables (internal/refdata), and of the fields they read.
type refFields struct {
	ageHire, dobGap                    int
	minGeneral, minLight, minHazardous int
	agencyStatus, agencyName, licence  int
	signed, departure                  int
	xinjiang, production, origin       int
	product, dolGood, wro              int
	supplier, employer                 int
	tax, social                        int
	regular                            int
}

func newRefFields(idx func(string) int) refFields {
	return refFields{
		ageHire: idx("age_at_hire"), dobGap: idx("date_of_birth_age_gap"),
		minGeneral: idx("minimum_age_general"), minLight: idx("minimum_age_light"), minHazardous: idx("minimum_age_hazardous"),
		agencyStatus: idx("agency_licence_status"), agencyName: idx("recruitment_agency_name"), licence: idx("recruitment_agency_license_no"),
		signed: idx("contract_signed_date"), departure: idx("departure_date"),
		xinjiang: idx("xinjiang_place"), production: idx("production_region"), origin: idx("country_of_origin"),
		product: idx("product"), dolGood: idx("dol_listed_good"), wro: idx("cbp_wro"),
		supplier: idx("supplier_name"), employer: idx("employer_name"),
		tax: idx("deduction_income_tax"), social: idx("deduction_social_security"),
		regular: idx("regular_hours_per_week"),
	}
}

// WithReference returns a copy of d that reads the reference tables of s:
// exchange rates, minimum ages, countries, places, agency licences, the
// goods list and the withhold release orders.
func (d *Deriver) WithReference(s *refdata.Set) *Deriver {
	n := *d
	if s != nil {
		n.ref = s
		n.cache = newDerivedCache() // its answers came from the old tables
	}
	return &n
}

// Reference returns the reference tables d reads.
func (d *Deriver) Reference() *refdata.Set { return d.ref }

// country resolves field i's cell through the countries table.
func (d *Deriver) country(c *Contract, i int) *refdata.Country {
	if !d.has(c, i) {
		return nil
	}
	k, _ := d.ref.Countries.Lookup(c.Values[i].Str)
	return k
}

// deriveReference fills the fields that need a reference table, and the
// ages.
func (d *Deriver) deriveReference(c *Contract) {
	r := &d.rf
	if d.has(c, d.dob) {
		dob := c.Values[d.dob].Time
		if d.blank(c, r.ageHire) && d.has(c, d.start) {
			if a, ok := yearsBetween(dob, c.Values[d.start].Time); ok {
				var buf [64]byte
				raw := c.Values[d.start].Time.AppendFormat(append(buf[:0], "derived from date_of_birth at start_date "...), time.DateOnly)
				c.Values[r.ageHire] = Value{Present: true, Int: int64(a), Derived: true, Raw: string(raw)}
			}
		}
		if d.blank(c, r.dobGap) && d.blank(c, d.age) {
			c.Values[r.dobGap] = Value{Present: true, Derived: true, Raw: "derived: age is derived from date_of_birth"}
		} else if d.blank(c, r.dobGap) && d.has(c, d.age) && !c.Values[d.age].Derived {
			age := c.Values[d.age].Int
			if a, ok := yearsBetween(dob, d.asOf); ok {
				gap, atName, at := abs64(age-int64(a)), "the review date ", d.asOf
				if d.has(c, d.start) {
					if h, ok := yearsBetween(dob, c.Values[d.start].Time); ok && abs64(age-int64(h)) < gap {
						gap, atName, at = abs64(age-int64(h)), "start_date ", c.Values[d.start].Time
					}
				}
				// "derived: age %d against date_of_birth %s at %s%s", built
				// without fmt: this runs on every row that has both.
				var buf [128]byte
				raw := strconv.AppendInt(append(buf[:0], "derived: age "...), age, 10)
				raw = dob.AppendFormat(append(raw, " against date_of_birth "...), time.DateOnly)
				raw = at.AppendFormat(append(append(raw, " at "...), atName...), time.DateOnly)
				c.Values[r.dobGap] = Value{Present: true, Int: gap, Derived: true, Raw: string(raw)}
			}
		}
	}
	host := d.country(c, d.employerCountry)
	if r.minGeneral >= 0 && d.blank(c, r.minGeneral) {
		ages, raw := refdata.International, "derived: ILO C138 international minimum ages (employer_country not recorded)"
		if host != nil {
			m := d.cache.get(derivedKey{kind: kindMinimumAges, country: host, a: host.Name}, func() derived {
				if a, ok := d.ref.MinimumAges.Lookup(host); ok {
					return derived{ages: a, v: Value{Raw: "derived: minimum ages of " + host.Name + " (" + d.ref.MinimumAges.Path + ", as of " + d.ref.MinimumAges.AsOf + "): " + a.Citation}}
				}
				return derived{ages: refdata.International, v: Value{Raw: "derived: ILO C138 international minimum ages (" + host.Name + " not in " + d.ref.MinimumAges.Path + ")"}}
			})
			ages, raw = m.ages, m.v.Raw
		} else if d.has(c, d.employerCountry) {
			country := c.Values[d.employerCountry].Str
			raw = d.cache.get(derivedKey{kind: kindUnknownHost, a: country}, func() derived {
				return derived{v: Value{Raw: "derived: ILO C138 international minimum ages (country " + strconv.Quote(country) + " not in " + d.ref.Countries.Path + ")"}}
			}).v.Raw
		}
		for _, f := range [...]struct{ i, v int }{{r.minGeneral, ages.General}, {r.minLight, ages.Light}, {r.minHazardous, ages.Hazardous}} {
			if d.blank(c, f.i) {
				c.Values[f.i] = Value{Present: true, Int: int64(f.v), Derived: true, Raw: raw}
			}
		}
	}
	// The country of origin, read once: the agency, Xinjiang and goods
	// derivations below all look at it.
	origin := d.country(c, r.origin)
	if d.blank(c, r.agencyStatus) && (d.has(c, r.agencyName) || d.has(c, r.licence)) {
		var countries []string
		for _, k := range []*refdata.Country{d.country(c, d.nationality), host, origin} {
			if k != nil {
				countries = append(countries, k.Alpha2)
			}
		}
		name, lic := "", ""
		if d.has(c, r.agencyName) {
			name = c.Values[r.agencyName].Str
		}
		if d.has(c, r.licence) {
			lic = c.Values[r.licence].Str
		}
		at, when, dated := d.asOf, "the review date", false
		for _, i := range []int{r.signed, r.departure, d.start} {
			if d.has(c, i) {
				at, when, dated = c.Values[i].Time, d.fieldName(i), true
				break
			}
		}
		// A licence that has lapsed by the review date may have been valid
		// when the worker was recruited: without a recruitment date the
		// status is unknown.
		if status, detail := d.ref.Agencies.Check(name, lic, countries, at); dated || status != refdata.AgencyExpired {
			c.Values[r.agencyStatus] = Value{Present: true, Str: status, Derived: true,
				Raw: fmt.Sprintf("derived from %s (as of %s) on %s %s: %s", d.ref.Agencies.Path, d.ref.Agencies.AsOf, when, at.Format(time.DateOnly), detail)}
		}
	}
	var region []string
	for _, i := range []int{r.production, d.region} {
		if d.has(c, i) {
			region = append(region, c.Values[i].Str)
		}
	}
	xinjiang := false
	if d.blank(c, r.xinjiang) && len(region) > 0 {
		var ctx []string
		for _, k := range []*refdata.Country{origin, host} {
			if k != nil {
				ctx = append(ctx, k.Alpha2)
			}
		}
		text := strings.Join(region, " | ")
		p, ok := d.ref.Places.Xinjiang(text, ctx, d.ref.Countries)
		switch {
		case p != nil:
			xinjiang = true
			c.Values[r.xinjiang] = Value{Present: true, Str: p.Name, Derived: true,
				Raw: fmt.Sprintf("derived: %q names %s, %s (%s:%d)", text, p.Name, p.Region, d.ref.Places.Path, p.Line)}
		case ok:
			c.Values[r.xinjiang] = Value{Present: true, Derived: true,
				Raw: fmt.Sprintf("derived: %q names no place in Xinjiang (%s)", text, d.ref.Places.Path)}
		}
	} else if d.blank(c, r.xinjiang) {
		// No region recorded: goods from outside China are not from
		// Xinjiang; from China (or no country either) it is unknown.
		k, which := origin, "country_of_origin"
		if k == nil && !d.has(c, r.origin) {
			k, which = host, "employer_country"
		}
		if k != nil && k.Alpha2 != "CN" {
			c.Values[r.xinjiang] = d.cache.get(derivedKey{kind: kindNotChina, country: k, a: which, b: k.Name}, func() derived {
				return derived{v: Value{Present: true, Derived: true, Raw: "derived: no region recorded; " + which + " " + k.Name + " is not China"}}
			}).v
		}
	} else if r.xinjiang >= 0 && d.has(c, r.xinjiang) {
		xinjiang = c.Values[r.xinjiang].Str != ""
	}
	if d.blank(c, r.dolGood) && d.has(c, r.product) {
		k, which := origin, "country_of_origin"
		if k == nil && !d.has(c, r.origin) {
			k, which = host, "employer_country"
		}
		if k != nil {
			product := c.Values[r.product].Str
			c.Values[r.dolGood] = d.cache.get(derivedKey{kind: kindGood, country: k, a: product, b: which, c: k.Name}, func() derived {
				v := Value{Present: true, Derived: true,
					Raw: fmt.Sprintf("derived: %q from %s (%s) is not on %s (as of %s)", product, k.Name, which, d.ref.Goods.Path, d.ref.Goods.AsOf)}
				if g := d.ref.Goods.Match(product, k.Alpha2); g != nil {
					v.Str = g.Describe()
					v.Raw = fmt.Sprintf("derived: %q from %s (%s) is listed as %s (%s:%d, as of %s)", product, k.Name, which, g.Describe(), d.ref.Goods.Path, g.Line, d.ref.Goods.AsOf)
				}
				return derived{v: v}
			}).v
		}
	}
	if d.blank(c, r.wro) && (d.has(c, r.supplier) || d.has(c, r.employer)) {
		k := derivedKey{kind: kindWRO}
		if d.has(c, r.supplier) {
			k.flags |= 1
			k.a = c.Values[r.supplier].Str
		}
		if d.has(c, r.employer) {
			k.flags |= 2
			k.b = c.Values[r.employer].Str
		}
		if d.has(c, r.product) {
			k.c = c.Values[r.product].Str
		}
		if xinjiang {
			k.flags |= 4
		}
		c.Values[r.wro] = d.cache.get(k, func() derived { return derived{v: d.deriveWRO(k)} }).v
	}
}

// deriveWRO decides cbp_wro from the supplier and employer names (k.a and
// k.b where flags 1 and 2 say they are recorded), the product (k.c) and
// whether the goods are from Xinjiang (flag 4).
func (d *Deriver) deriveWRO(k derivedKey) Value {
	var buf [2]string
	names := buf[:0]
	if k.flags&1 != 0 {
		names = append(names, k.a)
	}
	if k.flags&2 != 0 {
		names = append(names, k.b)
	}
	product, xinjiang := k.c, k.flags&4 != 0
	v := Value{Present: true, Derived: true,
		Raw: "derived: " + strings.Join(names, ", ") + " not covered by an active order in " + d.ref.WROs.Path + " (as of " + d.ref.WROs.AsOf + ")"}
	if o := d.ref.WROs.Match(names, product, xinjiang); o != nil {
		v.Str = o.Describe()
		v.Raw = fmt.Sprintf("derived: %s matches %s (%s:%d, as of %s)", strings.Join(append(names, product), ", "), o.Describe(), d.ref.WROs.Path, o.Line, d.ref.WROs.AsOf)
	}
	return v
}

func (d *Deriver) fieldName(i int) string {
	switch i {
	case d.rf.signed:
		return "contract_signed_date"
	case d.rf.departure:
		return "departure_date"
	case d.start:
		return "start_date"
	}
	return "the review date"
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// convert sets m against to: the amount in to's currency, and how it was
// converted ("NPR 150,000 ≈ MYR 5,303 at 0.03536 (rates of 2024-06-30)").
// ok is false when either currency is unknown or the table lacks one. A
// conversion marks c as Converted.
func (d *Deriver) convert(c *Contract, m money, to string) (money, string, bool) {
	if m.currency == "" || to == "" {
		return money{}, "", false
	}
	rate, ok := d.ref.Rates.Rate(m.currency, to)
	if !ok {
		return money{}, "", false
	}
	if m.currency != to {
		c.Converted = true
	}
	out := money{amount: m.amount * rate, currency: to}
	return out, fmt.Sprintf("%s %s ≈ %s %s at %s (rates of %s)", m.currency, groupDigits(m.amount), to, groupDigits(out.amount),
		strconv.FormatFloat(rate, 'g', 4, 64), d.ref.Rates.AsOf), true
}

// groupDigits writes an amount with thousands separators, rounded to a
// whole number from 100 up and to two decimals below.
func groupDigits(x float64) string {
	neg := x < 0
	x = math.Abs(x)
	var s string
	if x >= 100 {
		s = strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	} else {
		s = strconv.FormatFloat(x, 'f', 2, 64)
		s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	}
	if neg {
		return "-" + GroupDigits(s)
	}
	return GroupDigits(s)
}

// FullTimeHours is the working week a part-time wage is pro-rated
// against: the forty-hour week of ILO Convention No. 47.
const FullTimeHours = 40.0

// proRata pro-rates a monthly minimum wage for a part-time contract:
// regular_hours_per_week under FullTimeHours (ILO Part-Time Work
// Convention, 1994 (No. 175), Art. 5: pay proportionate to hours).
func (d *Deriver) proRata(c *Contract, minimum money, raw string) (money, string) {
	if !d.has(c, d.rf.regular) {
		return minimum, raw
	}
	h := c.Values[d.rf.regular].Num
	if h <= 0 || h >= FullTimeHours {
		return minimum, raw
	}
	minimum.amount *= h / FullTimeHours
	return minimum, fmt.Sprintf("derived: base_wage_monthly / (minimum_wage_monthly × %s/%s hours: pro-rated for part-time work, = %s%s)",
		formatNumber(h), formatNumber(FullTimeHours), groupDigits(minimum.amount), currencySuffix(minimum.currency))
}

func currencySuffix(c string) string {
	if c == "" {
		return ""
	}
	return " " + c
}

// nonStatutory takes income tax and social security, where the roster has
// their columns, out of the total deductions: the deductions that take a
// worker's wage are the others. A blank tax or social-security cell takes
// nothing out.
func (d *Deriver) nonStatutory(c *Contract, ded money) (money, string, bool) {
	raw := "derived: deductions_total_monthly"
	var taken []string
	for _, f := range []struct {
		i    int
		name string
	}{{d.rf.tax, "deduction_income_tax"}, {d.rf.social, "deduction_social_security"}} {
		if f.i < 0 || !c.HasColumn(f.i) {
			continue
		}
		m, ok := d.money(c, f.i)
		if !ok {
			continue // not recorded: nothing is taken out, as before the column
		}
		m.amount = math.Abs(m.amount)
		if m.amount == 0 {
			continue
		}
		if !m.comparable(ded) {
			conv, _, ok := d.convert(c, m, ded.currency)
			if !ok {
				return money{}, "", false
			}
			m = conv
		}
		ded.amount -= m.amount
		taken = append(taken, f.name)
	}
	if len(taken) == 0 {
		return ded, "derived: deductions_total_monthly / base_wage_monthly", true
	}
	if ded.amount < 0 {
		ded.amount = 0
	}
	return ded, fmt.Sprintf("%s − %s (statutory, not counted) = %s%s; / base_wage_monthly", raw, strings.Join(taken, " − "), groupDigits(ded.amount), currencySuffix(ded.currency)), true
}
