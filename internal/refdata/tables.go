package refdata

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Rates is a dated table of exchange rates: units of each currency for one
// US dollar.
type Rates struct {
	Info
	perUSD map[string]float64
}

// ParseRates reads an exchange-rate table: columns currency (ISO 4217) and
// per_usd (units of the currency for one US dollar); "# as_of:" is
// required, since rates are only good for their date.
func ParseRates(path string, data []byte) (*Rates, error) {
	t, err := parse(KindFX, path, data, "currency", "per_usd")
	if err != nil {
		return nil, err
	}
	if t.AsOf == "" {
		return nil, fmt.Errorf("%s: no \"# as_of: YYYY-MM-DD\" line: exchange rates need the date they are of", path)
	}
	r := &Rates{Info: t.Info, perUSD: map[string]float64{}}
	for i := range t.rows {
		code := strings.ToUpper(t.get(i, "currency"))
		if len(code) != 3 {
			return nil, t.errorf(i, "currency %q is not an ISO 4217 code", t.get(i, "currency"))
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(t.get(i, "per_usd"), ",", ""), 64)
		if err != nil || v <= 0 || math.IsInf(v, 0) {
			return nil, t.errorf(i, "per_usd %q is not a positive number", t.get(i, "per_usd"))
		}
		if _, dup := r.perUSD[code]; dup {
			return nil, t.errorf(i, "currency %s appears twice", code)
		}
		r.perUSD[code] = v
	}
	return r, nil
}

// Rate returns how many units of to one unit of from buys.
func (r *Rates) Rate(from, to string) (float64, bool) {
	if r == nil {
		return 0, false
	}
	f, ok1 := r.perUSD[strings.ToUpper(from)]
	t, ok2 := r.perUSD[strings.ToUpper(to)]
	if !ok1 || !ok2 {
		return 0, false
	}
	return t / f, true
}

// StaleDays is how old a rate table may be on the review date before a run
// warns that it is stale.
const StaleDays = 400

// Stale reports whether the table is more than StaleDays older than the
// review date.
func (r *Rates) Stale(review time.Time) bool {
	return !r.Date.IsZero() && review.Sub(r.Date) > StaleDays*24*time.Hour
}

// Ages are a country's minimum ages for work.
type Ages struct {
	Country   string // as the table writes it
	General   int    // admission to employment (ILO C138 Art. 2)
	Light     int    // light work (Art. 7)
	Hazardous int    // hazardous work (Art. 3)
	Citation  string
}

// International are the ages ILO C138 sets where no national table row
// applies: 15 (Art. 2(3)), 13 for light work (Art. 7(1)) and 18 for
// hazardous work (Art. 3(1)).
var International = Ages{General: 15, Light: 13, Hazardous: 18,
	Citation: "ILO Minimum Age Convention, 1973 (No. 138), Art. 2(3), 3(1) and 7(1): 15, light work 13, hazardous work 18"}

// MinimumAges holds national minimum ages by country.
type MinimumAges struct {
	Info
	by map[string]Ages // folded country (code or name) → ages
}

// ParseMinimumAges reads a minimum-age table: columns country (ISO 3166
// alpha-2 or a name), general, light, hazardous and citation.
func ParseMinimumAges(path string, data []byte) (*MinimumAges, error) {
	t, err := parse(KindMinimumAges, path, data, "country", "general", "light", "hazardous", "citation")
	if err != nil {
		return nil, err
	}
	m := &MinimumAges{Info: t.Info, by: map[string]Ages{}}
	for i := range t.rows {
		var a Ages
		a.Country, a.Citation = t.get(i, "country"), t.get(i, "citation")
		for _, c := range []struct {
			col string
			v   *int
		}{{"general", &a.General}, {"light", &a.Light}, {"hazardous", &a.Hazardous}} {
			n, err := strconv.Atoi(t.get(i, c.col))
			if err != nil || n < 0 || n > 25 {
				return nil, t.errorf(i, "%s %q is not an age", c.col, t.get(i, c.col))
			}
			*c.v = n
		}
		if a.Citation == "" {
			return nil, t.errorf(i, "no citation: each minimum age names the law or declaration that sets it")
		}
		k := fold(a.Country)
		if _, dup := m.by[k]; dup {
			return nil, t.errorf(i, "country %q appears twice", a.Country)
		}
		m.by[k] = a
	}
	return m, nil
}

// Lookup returns the ages of the country c (its table row by code or name).
func (m *MinimumAges) Lookup(c *Country) (Ages, bool) {
	if m == nil || c == nil {
		return Ages{}, false
	}
	for _, k := range []string{c.Alpha2, c.Alpha3, c.Name} {
		if a, ok := m.by[fold(k)]; ok {
			return a, true
		}
	}
	return Ages{}, false
}

// Country is one country of the countries table.
type Country struct {
	Alpha2, Alpha3, Name string
	Languages            []string // language keys, the main one first
	names                []string // folded names and demonyms, for finding in text
}

// Countries resolves country names, codes, spellings and demonyms.
type Countries struct {
	Info
	by    map[string]*Country // folded name, code or demonym → country
	names []nameRef           // names of three letters or more, longest first, for Find
	// seen remembers Lookup's answers by cell text (a roster names few
	// countries), up to maxSeen texts.
	seen  sync.Map
	nseen atomic.Int64
}

const maxSeen = 1 << 14

type nameRef struct {
	name string
	c    *Country
}

// ParseCountries reads a countries table: columns alpha2, alpha3, name,
// names, demonyms and languages (the lists "|"-separated).
func ParseCountries(path string, data []byte) (*Countries, error) {
	t, err := parse(KindCountries, path, data, "alpha2", "alpha3", "name", "names", "demonyms", "languages")
	if err != nil {
		return nil, err
	}
	cs := &Countries{Info: t.Info, by: map[string]*Country{}}
	for i := range t.rows {
		c := &Country{Alpha2: strings.ToUpper(t.get(i, "alpha2")), Alpha3: strings.ToUpper(t.get(i, "alpha3")), Name: t.get(i, "name")}
		if len(c.Alpha2) != 2 || c.Name == "" {
			return nil, t.errorf(i, "a country needs an ISO 3166 alpha-2 code and a name")
		}
		for _, l := range list(t.get(i, "languages")) {
			c.Languages = append(c.Languages, strings.ToLower(l))
		}
		keys := append([]string{c.Alpha2, c.Alpha3, c.Name}, list(t.get(i, "names"))...)
		keys = append(keys, list(t.get(i, "demonyms"))...)
		for j, k := range keys {
			f := fold(k)
			if f == "" {
				continue
			}
			if o, dup := cs.by[f]; dup && o != c {
				return nil, t.errorf(i, "%q names both %s and %s", k, o.Name, c.Name)
			}
			cs.by[f] = c
			if j >= 2 && len(f) >= 4 {
				c.names = append(c.names, f)
				cs.names = append(cs.names, nameRef{f, c})
			}
		}
	}
	slices.SortStableFunc(cs.names, func(a, b nameRef) int { return len(b.name) - len(a.name) })
	return cs, nil
}

// Lookup returns the country a cell names: an ISO code, a name, another
// spelling or a demonym ("Nepal", "Nepali", "NP", "NPL" all give Nepal).
// A cell holding a country in brackets or after a comma ("Kathmandu,
// Nepal") is found by its last part.
func (cs *Countries) Lookup(s string) (*Country, bool) {
	if cs == nil {
		return nil, false
	}
	if c, ok := cs.seen.Load(s); ok {
		k := c.(*Country)
		return k, k != nil
	}
	c, ok := cs.lookup(s)
	if cs.nseen.Add(1) <= maxSeen {
		cs.seen.Store(s, c)
	}
	return c, ok
}

func (cs *Countries) lookup(s string) (*Country, bool) {
	f := fold(s)
	if c, ok := cs.by[f]; ok {
		return c, true
	}
	if f == "" {
		return nil, false
	}
	// "Myanmar national", "Citizen of Nepal": one known name among the
	// words, and only one country named.
	found := cs.Find(f)
	if len(found) == 1 {
		return found[0], true
	}
	return nil, false
}

// Find returns the countries a text names anywhere, by name, spelling or
// demonym (not by code), in the order of the table.
func (cs *Countries) Find(text string) []*Country {
	if cs == nil {
		return nil
	}
	f := fold(text)
	var out []*Country
	for _, n := range cs.names {
		if !slices.Contains(out, n.c) && containsWords(f, n.name) {
			out = append(out, n.c)
		}
	}
	return out
}

// Place is a row of the places table.
type Place struct {
	Name, Country, Region string
	Context               []string // folded words that place it in its country
	Line                  int
}

// Places holds the Xinjiang places and the places elsewhere that share
// their names.
type Places struct {
	Info
	byName map[string][]*Place
	names  []string // folded names, longest first
	seen   memo
}

// memo remembers answers by key, up to maxSeen keys: rosters repeat a few
// regions, products and countries on every row.
// It is read far more often than written, from several goroutines at once.
type memo struct {
	mu sync.RWMutex
	m  map[string]any
}

func (m *memo) load(k string) (any, bool) {
	m.mu.RLock()
	v, ok := m.m[k]
	m.mu.RUnlock()
	return v, ok
}

func (m *memo) store(k string, v any) {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[string]any{}
	}
	if len(m.m) < maxSeen {
		m.m[k] = v
	}
	m.mu.Unlock()
}

type placeAnswer struct {
	p  *Place
	ok bool
}

// ParsePlaces reads a places table: columns place, names, country (ISO
// 3166 alpha-2; CN for Xinjiang), region and context.
func ParsePlaces(path string, data []byte) (*Places, error) {
	t, err := parse(KindPlaces, path, data, "place", "names", "country", "region", "context")
	if err != nil {
		return nil, err
	}
	p := &Places{Info: t.Info, byName: map[string][]*Place{}}
	for i := range t.rows {
		pl := &Place{Name: t.get(i, "place"), Country: strings.ToUpper(t.get(i, "country")), Region: t.get(i, "region"), Line: t.lines[i]}
		if pl.Name == "" || len(pl.Country) != 2 {
			return nil, t.errorf(i, "a place needs a name and an ISO 3166 alpha-2 country")
		}
		for _, c := range list(t.get(i, "context")) {
			pl.Context = append(pl.Context, fold(c))
		}
		for _, n := range append([]string{pl.Name}, list(t.get(i, "names"))...) {
			f := fold(n)
			if f == "" {
				continue
			}
			if _, seen := p.byName[f]; !seen {
				p.names = append(p.names, f)
			}
			if !slices.Contains(p.byName[f], pl) {
				p.byName[f] = append(p.byName[f], pl)
			}
		}
	}
	slices.SortStableFunc(p.names, func(a, b string) int { return len(b) - len(a) })
	return p, nil
}

// Xinjiang decides whether text (a region cell, or several joined) names a
// place in Xinjiang. countries are the contract's other countries (of
// origin, of employment), ISO alpha-2. A name only Xinjiang has matches
// alone; a name that places elsewhere share matches when China or
// Xinjiang is named beside it, or the contract's country is China, and
// not when the text or the contract places it in the other country. ok is
// false when a shared name has no such context: the text may or may not
// be Xinjiang.
func (p *Places) Xinjiang(text string, countries []string, cs *Countries) (place *Place, ok bool) {
	if p == nil {
		return nil, true
	}
	key := text + "\x00" + strings.Join(countries, ",")
	if a, hit := p.seen.load(key); hit {
		ans := a.(placeAnswer)
		return ans.p, ans.ok
	}
	place, ok = p.xinjiang(text, countries, cs)
	p.seen.store(key, placeAnswer{place, ok})
	return place, ok
}

func (p *Places) xinjiang(text string, countries []string, cs *Countries) (place *Place, ok bool) {
	f := fold(text)
	if f == "" {
		return nil, true
	}
	var shared []string
	for _, n := range p.names {
		if !containsWords(f, n) {
			continue
		}
		cands := p.byName[n]
		if cands[0].Country == "CN" && len(cands) == 1 {
			return cands[0], true
		}
		shared = append(shared, n)
	}
	if len(shared) == 0 {
		return nil, true
	}
	named := cs.Find(f)
	chinaInText := slices.ContainsFunc(named, func(c *Country) bool { return c.Alpha2 == "CN" })
	undecided := false
	for _, n := range shared {
		var cn *Place
		otherInText, otherCountry := false, false
		for _, c := range p.byName[n] {
			if c.Country == "CN" {
				cn = c
				continue
			}
			if slices.ContainsFunc(c.Context, func(w string) bool { return containsWords(f, w) }) ||
				slices.ContainsFunc(named, func(k *Country) bool { return k.Alpha2 == c.Country }) {
				otherInText = true
			}
			if slices.Contains(countries, c.Country) {
				otherCountry = true
			}
		}
		switch {
		case cn == nil:
			continue
		case chinaInText:
			return cn, true
		case otherInText:
			continue
		case slices.Contains(countries, "CN"):
			return cn, true
		case otherCountry:
			continue
		default:
			undecided = true
		}
	}
	return nil, !undecided
}

// Agency is a row of the agency register.
type Agency struct {
	Name, Licence, Country, Status string
	ValidUntil                     time.Time
	Line                           int
}

// Agencies is a register of recruitment agencies' licences.
type Agencies struct {
	Info
	byLicence map[string]*Agency
	byName    map[string]*Agency
	complete  map[string]bool // ISO alpha-2 of countries whose register the table holds in full
}

// Agency statuses, as derived into contract.agency_licence_status.
const (
	AgencyLicensed   = "licensed"
	AgencyExpired    = "expired"
	AgencyRevoked    = "revoked"
	AgencyUnlicensed = "unlicensed"
	AgencyNotCovered = "not covered"
)

// ParseAgencies reads an agency register: columns agency, licence_no,
// country, valid_until (YYYY-MM-DD) and status (licensed, suspended,
// cancelled, revoked, blacklisted); "# complete_for: NP, PH" names the
// countries whose register the table holds in full.
func ParseAgencies(path string, data []byte) (*Agencies, error) {
	t, err := parse(KindAgencies, path, data, "agency", "licence_no", "country", "valid_until")
	if err != nil {
		return nil, err
	}
	a := &Agencies{Info: t.Info, byLicence: map[string]*Agency{}, byName: map[string]*Agency{}, complete: map[string]bool{}}
	for _, c := range strings.FieldsFunc(t.meta["complete_for"], func(r rune) bool { return r == ',' || r == ' ' || r == '|' }) {
		a.complete[strings.ToUpper(c)] = true
	}
	for i := range t.rows {
		ag := &Agency{Name: t.get(i, "agency"), Licence: t.get(i, "licence_no"), Country: strings.ToUpper(t.get(i, "country")),
			Status: strings.ToLower(t.get(i, "status")), Line: t.lines[i]}
		if ag.Name == "" && ag.Licence == "" {
			return nil, t.errorf(i, "a row needs an agency or a licence number")
		}
		if s := t.get(i, "valid_until"); s != "" {
			d, err := time.Parse(time.DateOnly, s)
			if err != nil {
				return nil, t.errorf(i, "valid_until %q is not a date (write YYYY-MM-DD)", s)
			}
			ag.ValidUntil = d
		}
		if k := LicenceKey(ag.Licence); k != "" {
			a.byLicence[k] = ag
		}
		if k := NameKey(ag.Name); k != "" {
			a.byName[k] = ag
		}
	}
	return a, nil
}

// LicenceKey folds a licence number: upper case, letters and digits only.
func LicenceKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 127 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var legalWords = map[string]bool{"pvt": true, "private": true, "ltd": true, "limited": true, "inc": true, "co": true,
	"corp": true, "corporation": true, "company": true, "sdn": true, "bhd": true, "berhad": true, "llc": true, "the": true,
	"plc": true, "pte": true, "pt": true, "tbk": true, "jsc": true, "gmbh": true, "sa": true}

// NameKey folds an organisation's name, leaving out legal forms ("Pvt.
// Ltd.", "Sdn. Bhd.", "Inc.").
func NameKey(s string) string {
	words := strings.Fields(fold(s))
	out := words[:0]
	for _, w := range words {
		if !legalWords[w] {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// noLicence are cell texts that say there is no licence.
var noLicence = map[string]bool{"none": true, "no": true, "nil": true, "unlicensed": true, "not licensed": true,
	"no licence": true, "no license": true, "pending": true, "applied": true, "in process": true, "expired": true}

// Check decides an agency's licence on the date at: by its licence number,
// else its name. countries are the countries whose licensing authority
// could have licensed it (the worker's and the host country), alpha-2.
// detail says which row decided, or why none did.
func (a *Agencies) Check(name, licence string, countries []string, at time.Time) (status, detail string) {
	if a == nil {
		return AgencyNotCovered, "no agency register"
	}
	lk, nk := LicenceKey(licence), NameKey(name)
	if noLicence[fold(licence)] {
		lk = ""
		if r, ok := a.byName[nk]; ok && nk != "" {
			return a.row(r, at)
		}
		return AgencyUnlicensed, fmt.Sprintf("licence recorded as %q", licence)
	}
	if r, ok := a.byLicence[lk]; ok && lk != "" {
		if nk != "" && NameKey(r.Name) != nk {
			return AgencyUnlicensed, fmt.Sprintf("licence %s belongs to %s (%s:%d), not %s", r.Licence, r.Name, a.Path, r.Line, name)
		}
		return a.row(r, at)
	}
	if r, ok := a.byName[nk]; ok && nk != "" {
		if lk != "" && LicenceKey(r.Licence) != "" {
			return AgencyUnlicensed, fmt.Sprintf("licence %s is not the licence %s of %s (%s:%d)", licence, r.Licence, r.Name, a.Path, r.Line)
		}
		return a.row(r, at)
	}
	for _, c := range countries {
		if a.complete[c] {
			return AgencyUnlicensed, fmt.Sprintf("not on the register of %s (%s, complete for %s)", c, a.Path, c)
		}
	}
	return AgencyNotCovered, fmt.Sprintf("not in %s, which is not complete for the worker's or the host country", a.Path)
}

func (a *Agencies) row(r *Agency, at time.Time) (string, string) {
	where := fmt.Sprintf("%s licence %s (%s, %s:%d)", r.Name, r.Licence, r.Country, a.Path, r.Line)
	switch r.Status {
	case "suspended", "cancelled", "canceled", "revoked", "blacklisted", "delisted":
		return AgencyRevoked, where + ": " + r.Status
	}
	if !r.ValidUntil.IsZero() && at.After(r.ValidUntil) {
		return AgencyExpired, where + ": valid until " + r.ValidUntil.Format(time.DateOnly)
	}
	until := ""
	if !r.ValidUntil.IsZero() {
		until = ", valid until " + r.ValidUntil.Format(time.DateOnly)
	}
	return AgencyLicensed, where + until
}

// Good is an entry of the DOL list: a good from one country.
type Good struct {
	Good, Country             string
	ChildLabour, ForcedLabour bool
	names                     []string // folded
	Line                      int
}

// Describe says what the list records: "Garments from IN: child labour,
// forced labour".
func (g *Good) Describe() string {
	var kinds []string
	if g.ChildLabour {
		kinds = append(kinds, "child labour")
	}
	if g.ForcedLabour {
		kinds = append(kinds, "forced labour")
	}
	return fmt.Sprintf("%s from %s: %s", g.Good, g.Country, strings.Join(kinds, ", "))
}

// Goods is the US DOL List of Goods Produced by Child Labor or Forced
// Labor.
type Goods struct {
	Info
	rows []*Good
	seen memo
}

// ParseGoods reads the goods list: columns good, names, country (ISO
// alpha-2), child_labour and forced_labour (yes/no).
func ParseGoods(path string, data []byte) (*Goods, error) {
	t, err := parse(KindGoods, path, data, "good", "country", "child_labour", "forced_labour")
	if err != nil {
		return nil, err
	}
	g := &Goods{Info: t.Info}
	for i := range t.rows {
		e := &Good{Good: t.get(i, "good"), Country: strings.ToUpper(t.get(i, "country")), Line: t.lines[i]}
		e.ChildLabour, e.ForcedLabour = yes(t.get(i, "child_labour")), yes(t.get(i, "forced_labour"))
		if e.Good == "" || len(e.Country) != 2 {
			return nil, t.errorf(i, "an entry needs a good and an ISO 3166 alpha-2 country")
		}
		for _, n := range append([]string{e.Good}, list(t.get(i, "names"))...) {
			e.names = append(e.names, fold(n))
		}
		g.rows = append(g.rows, e)
	}
	return g, nil
}

func yes(s string) bool {
	switch fold(s) {
	case "yes", "y", "x", "true", "1", "cl", "fl":
		return true
	}
	return false
}

// productHas reports whether a folded product description names one of the
// folded goods, as a word or its plural.
func productHas(product string, names []string) bool {
	for _, n := range names {
		if containsWords(product, n) || containsWords(product, n+"s") || containsWords(product, n+"es") ||
			strings.HasSuffix(n, "s") && containsWords(product, strings.TrimSuffix(n, "s")) {
			return true
		}
	}
	return false
}

// Match returns the entry listing the product from the country, or nil.
func (g *Goods) Match(product, country string) *Good {
	if g == nil {
		return nil
	}
	key := product + "\x00" + country
	if e, hit := g.seen.load(key); hit {
		return e.(*Good)
	}
	p := fold(product)
	var found *Good
	for _, e := range g.rows {
		if e.Country == country && productHas(p, e.names) {
			found = e
			break
		}
	}
	g.seen.store(key, found)
	return found
}

// WRO is a Withhold Release Order (or Finding) of US Customs and Border
// Protection.
type WRO struct {
	Entity, Country, Region, Issued, Status string
	Products                                []string
	names, products                         []string // folded
	Line                                    int
}

// Describe says what the order covers.
func (w *WRO) Describe() string {
	who := w.Entity
	if who == "" {
		who = "goods of " + w.Region + " (" + w.Country + ")"
	}
	goods := "all goods"
	if len(w.Products) > 0 {
		goods = strings.Join(w.Products, ", ")
	}
	return fmt.Sprintf("%s: %s, issued %s", who, goods, w.Issued)
}

// WROs is the table of Withhold Release Orders.
type WROs struct {
	Info
	rows []*WRO
	// memo keeps the answers for the entity and product combinations seen:
	// a roster names few of them, and a match scans every order.
	memoMu sync.RWMutex
	memo   map[string]*WRO // key → order (nil when none)
}

// wroMemoMax bounds the answers kept.
const wroMemoMax = 1 << 16

// ParseWROs reads the orders: columns entity, names, products, country,
// region, issued and status (active, or modified/revoked: no longer
// applied).
func ParseWROs(path string, data []byte) (*WROs, error) {
	t, err := parse(KindWRO, path, data, "entity", "products", "country", "issued", "status")
	if err != nil {
		return nil, err
	}
	w := &WROs{Info: t.Info}
	for i := range t.rows {
		o := &WRO{Entity: t.get(i, "entity"), Country: strings.ToUpper(t.get(i, "country")), Region: t.get(i, "region"),
			Issued: t.get(i, "issued"), Status: strings.ToLower(t.get(i, "status")), Products: list(t.get(i, "products")), Line: t.lines[i]}
		if o.Entity == "" && o.Region == "" {
			return nil, t.errorf(i, "an order names an entity or a region")
		}
		for _, n := range append([]string{o.Entity}, list(t.get(i, "names"))...) {
			if k := NameKey(n); k != "" {
				o.names = append(o.names, k)
			}
		}
		for _, p := range o.Products {
			o.products = append(o.products, fold(p))
		}
		w.rows = append(w.rows, o)
	}
	return w, nil
}

// Match returns the active order that covers goods of one of the entities
// (supplier, employer) or, for an order on a region's goods, the product
// made in that region; nil when none does. product "" matches an entity's
// order whatever its goods.
func (w *WROs) Match(entities []string, product string, xinjiang bool) *WRO {
	if w == nil {
		return nil
	}
	var buf [256]byte
	key := buf[:0]
	for _, e := range entities {
		key = append(key, e...)
		key = append(key, 0)
	}
	key = append(key, 1)
	key = append(key, product...)
	if xinjiang {
		key = append(key, 2)
	}
	w.memoMu.RLock()
	o, ok := w.memo[string(key)] // no copy of the key for a lookup
	w.memoMu.RUnlock()
	if ok {
		return o
	}
	o = w.match(entities, product, xinjiang)
	w.memoMu.Lock()
	if w.memo == nil {
		w.memo = map[string]*WRO{}
	}
	if len(w.memo) < wroMemoMax {
		w.memo[string(key)] = o
	}
	w.memoMu.Unlock()
	return o
}

func (w *WROs) match(entities []string, product string, xinjiang bool) *WRO {
	p := fold(product)
	keys := make([]string, 0, len(entities))
	for _, e := range entities {
		if k := NameKey(e); k != "" {
			keys = append(keys, k)
		}
	}
	for _, o := range w.rows {
		if o.Status != "" && o.Status != "active" {
			continue
		}
		goods := len(o.products) == 0 || p != "" && productHas(p, o.products)
		if o.Entity == "" {
			if xinjiang && strings.EqualFold(o.Region, "Xinjiang") && p != "" && goods {
				return o
			}
			continue
		}
		if !goods && p != "" {
			continue
		}
		for _, k := range keys {
			if slices.ContainsFunc(o.names, func(n string) bool { return n == k || containsWords(k, n) }) {
				return o
			}
		}
	}
	return nil
}
