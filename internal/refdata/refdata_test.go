package refdata

import (
	"testing"
	"time"
)

func TestDefaultTables(t *testing.T) {
	s := Default()
	for _, in := range s.Infos() {
		if in.Source == "" || in.AsOf == "" || in.Rows == 0 || in.SHA256 == "" {
			t.Errorf("%s: source %q, as_of %q, %d rows", in.Path, in.Source, in.AsOf, in.Rows)
		}
	}
	for _, code := range []string{"NPR", "BDT", "INR", "PKR", "LKR", "PHP", "IDR", "VND", "MMK", "KHR", "LAK", "THB", "MYR", "SGD",
		"AED", "SAR", "QAR", "KWD", "OMR", "BHD", "JOD", "LBP", "USD", "EUR", "GBP", "CNY", "HKD", "TWD", "KRW", "JPY", "MXN", "GTQ", "HNL"} {
		if _, ok := s.Rates.Rate(code, "USD"); !ok {
			t.Errorf("no rate for %s", code)
		}
	}
}

func TestCountries(t *testing.T) {
	cs := Default().Countries
	for in, want := range map[string]string{"French": "FR", "France": "FR", "Nepali": "NP", "NPL": "NP", "np": "NP",
		"Myanmar national": "MM", "Burmese": "MM", "Viet Nam": "VN", "P.R. China": "CN", "中国": "CN", "Türkiye": "TR",
		"Filipina": "PH", "Korea, Republic of": "KR", "U.A.E.": "AE"} {
		c, ok := cs.Lookup(in)
		if !ok || c.Alpha2 != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", in, c, ok, want)
		}
	}
	if _, ok := cs.Lookup("Atlantis"); ok {
		t.Error("Atlantis is no country")
	}
}

func TestXinjiangPlaces(t *testing.T) {
	s := Default()
	cases := []struct {
		text      string
		countries []string
		match, ok bool
	}{
		{"Aksu, Antalya", nil, false, true},
		{"Aksu", []string{"TR"}, false, true},
		{"Aksu Prefecture, Xinjiang", nil, true, true},
		{"Aksu", []string{"CN"}, true, true},
		{"Aksu, China", nil, true, true},
		{"Aksu", nil, false, false},
		{"Kashgar", nil, true, true},
		{"Ürümqi", nil, true, true},
		{"新疆维吾尔自治区", nil, true, true},
		{"CN-XJ", nil, true, true},
		{"Guangdong", nil, false, true},
		{"Selangor", []string{"MY"}, false, true},
		{"Bole, Addis Ababa", nil, false, true},
	}
	for _, c := range cases {
		p, ok := s.Places.Xinjiang(c.text, c.countries, s.Countries)
		if (p != nil) != c.match || ok != c.ok {
			t.Errorf("Xinjiang(%q, %v) = %v, %v; want match %v, decided %v", c.text, c.countries, p, ok, c.match, c.ok)
		}
	}
}

func TestAgencies(t *testing.T) {
	a := Default().Agencies
	at := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ name, licence, want string }{
		{"Bright Path Manpower Agency", "DMW-123-LB-0412", AgencyLicensed},
		{"Ranong Crew Services", "", AgencyExpired},
		{"Sagarmatha Recruiting Pvt Ltd", "", AgencyRevoked},
		{"Some Other Agency", "DMW-123-LB-0412", AgencyUnlicensed},
		{"Unknown Agency", "pending", AgencyUnlicensed},
		{"Unknown Agency", "X-1", AgencyNotCovered},
	} {
		if got, detail := a.Check(c.name, c.licence, []string{"NP"}, at); got != c.want {
			t.Errorf("Check(%q, %q) = %s (%s); want %s", c.name, c.licence, got, detail, c.want)
		}
	}
}

func TestGoodsAndOrders(t *testing.T) {
	s := Default()
	if g := s.Goods.Match("Men's cotton shirts", "CN"); g == nil || g.Good != "Cotton" {
		t.Errorf("cotton from China: %v", g)
	}
	if g := s.Goods.Match("Knitted garments", "BD"); g == nil || !g.ChildLabour {
		t.Errorf("garments from Bangladesh: %v", g)
	}
	if g := s.Goods.Match("Knitted garments", "FR"); g != nil {
		t.Errorf("garments from France: %v", g)
	}
	if o := s.WROs.Match([]string{"Supermax Corporation Bhd"}, "nitrile gloves", false); o == nil {
		t.Error("Supermax gloves: no order")
	}
	if o := s.WROs.Match([]string{"Top Glove Corporation"}, "gloves", false); o != nil {
		t.Errorf("Top Glove's order was modified: %v", o)
	}
	if o := s.WROs.Match([]string{"Any Co"}, "tomato paste", true); o == nil {
		t.Error("Xinjiang tomatoes: no order")
	}
}

func TestStaleRates(t *testing.T) {
	r := Default().Rates
	if r.Stale(r.Date.AddDate(0, 0, 300)) || !r.Stale(r.Date.AddDate(0, 0, 401)) {
		t.Error("stale after 400 days")
	}
	x, ok := r.Rate("NPR", "MYR")
	if !ok || x < 0.03 || x > 0.04 {
		t.Errorf("NPR→MYR %v", x)
	}
}
