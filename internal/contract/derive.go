package contract

import (
	"strings"
	"time"
)

// Deriver fills fields that a roster leaves blank but that follow from other
// fields: age from date of birth, total weekly hours from regular plus
// overtime, migrant status from nationality against the country of
// employment. A derived value is marked Derived and shows in evidence as
// such. A Deriver is immutable and safe for concurrent use.
type Deriver struct {
	asOf                                  time.Time
	age, dob, start                       int
	total, regular, overtime              int
	migrant, nationality, employerCountry int
}

// NewDeriver prepares derivations for schema. asOf is the review date used
// for ages when a contract has no start date; zero means today.
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
	return &Deriver{
		asOf: asOf,
		age:  idx("age"), dob: idx("date_of_birth"), start: idx("start_date"),
		total: idx("weekly_hours_total"), regular: idx("regular_hours_per_week"), overtime: idx("overtime_hours_per_week"),
		migrant: idx("is_migrant"), nationality: idx("nationality"), employerCountry: idx("employer_country"),
	}
}

func (d *Deriver) has(c *Contract, i int) bool { return i >= 0 && c.Value(i).Present }

func (d *Deriver) blank(c *Contract, i int) bool {
	return i >= 0 && i < len(c.Values) && !c.Values[i].Present
}

// Derive fills c's derivable blank fields in place.
func (d *Deriver) Derive(c *Contract) {
	if d.blank(c, d.age) && d.has(c, d.dob) {
		at := d.asOf
		if d.has(c, d.start) {
			at = c.Values[d.start].Time
		}
		if a, ok := yearsBetween(c.Values[d.dob].Time, at); ok {
			c.Values[d.age] = Value{Present: true, Int: int64(a), Derived: true,
				Raw: "derived from date_of_birth at " + at.Format(time.DateOnly)}
		}
	}
	if d.blank(c, d.total) && d.has(c, d.regular) && d.has(c, d.overtime) {
		c.Values[d.total] = Value{Present: true, Num: c.Values[d.regular].Num + c.Values[d.overtime].Num, Derived: true,
			Raw: "derived: regular_hours_per_week + overtime_hours_per_week"}
	}
	if d.blank(c, d.migrant) && d.has(c, d.nationality) && d.has(c, d.employerCountry) {
		n, e := countryKey(c.Values[d.nationality].Str), countryKey(c.Values[d.employerCountry].Str)
		if n != "" && e != "" {
			c.Values[d.migrant] = Value{Present: true, Bool: n != e, Derived: true,
				Raw: "derived: nationality " + c.Values[d.nationality].Str + " vs employer_country " + c.Values[d.employerCountry].Str}
		}
	}
}

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
// "Nepal", "Nepali", "NP" and "NPL" agree.
func countryKey(s string) string {
	k := NormalizeWord(s)
	if c, ok := countryAliases[k]; ok {
		return c
	}
	return k
}

var countryAliases = func() map[string]string {
	m := map[string]string{}
	for _, row := range []string{
		"bd|bgd|bangladesh|bangladeshi",
		"np|npl|nepal|nepali|nepalese",
		"in|ind|india|indian",
		"pk|pak|pakistan|pakistani",
		"lk|lka|sri lanka|sri lankan",
		"ph|phl|philippines|filipino|filipina|philippine",
		"id|idn|indonesia|indonesian",
		"mm|mmr|myanmar|burmese|myanmar national",
		"kh|khm|cambodia|cambodian",
		"la|lao|laos|laotian",
		"vn|vnm|vietnam|viet nam|vietnamese",
		"th|tha|thailand|thai",
		"my|mys|malaysia|malaysian",
		"sg|sgp|singapore|singaporean",
		"cn|chn|china|chinese",
		"tw|twn|taiwan|taiwanese",
		"kr|kor|south korea|korea|korean",
		"jp|jpn|japan|japanese",
		"ae|are|uae|united arab emirates|emirati",
		"sa|sau|saudi arabia|saudi",
		"qa|qat|qatar|qatari",
		"kw|kwt|kuwait|kuwaiti",
		"bh|bhr|bahrain|bahraini",
		"om|omn|oman|omani",
		"jo|jor|jordan|jordanian",
		"lb|lbn|lebanon|lebanese",
		"et|eth|ethiopia|ethiopian",
		"ke|ken|kenya|kenyan",
		"ug|uga|uganda|ugandan",
		"gh|gha|ghana|ghanaian",
		"ng|nga|nigeria|nigerian",
		"us|usa|united states|united states of america|american",
		"gb|gbr|united kingdom|uk|british",
		"mx|mex|mexico|mexican",
		"gt|gtm|guatemala|guatemalan",
		"uz|uzb|uzbekistan|uzbek",
		"tr|tur|turkey|turkiye|turkish",
	} {
		names := strings.Split(row, "|")
		for _, n := range names {
			m[n] = names[0]
		}
	}
	return m
}()
