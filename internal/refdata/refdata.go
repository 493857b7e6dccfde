// Package refdata holds the reference data laborcheck's rules compare
// contracts with, as data files: exchange rates (fx.csv), national minimum
// working ages (minimum-ages.csv), countries with their names, demonyms and
// languages (countries.csv), places in the Xinjiang Uyghur Autonomous Region
// and places elsewhere that share their names (xinjiang-places.csv), a
// register of licensed recruitment agencies (agencies.csv), the US
// Department of Labor's List of Goods Produced by Child Labor or Forced
// Labor (dol-goods.csv) and US CBP Withhold Release Orders (cbp-wro.csv).
//
// Each file is CSV with a header row, preceded by comment lines that say
// where the data come from and when it was taken:
//
//	# source: IMF representative exchange rates …
//	# as_of: 2024-06-30
//
// The files are compiled in; policy staff replace any of them for a run
// (laborcheck scan -fx FILE, -agencies FILE, …), and every report records
// the tables used with their source, date and digest.
//
// A Set is immutable once read and safe for concurrent use.
package refdata

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// The kinds of table, as reports name them and as scan's flags replace them.
const (
	KindFX          = "exchange-rates"
	KindMinimumAges = "minimum-ages"
	KindCountries   = "countries"
	KindPlaces      = "xinjiang-places"
	KindAgencies    = "agency-licences"
	KindGoods       = "dol-goods-list"
	KindWRO         = "cbp-withhold-release-orders"
)

var (
	//go:embed fx.csv
	fxCSV []byte
	//go:embed minimum-ages.csv
	minimumAgesCSV []byte
	//go:embed countries.csv
	countriesCSV []byte
	//go:embed xinjiang-places.csv
	placesCSV []byte
	//go:embed agencies.csv
	agenciesCSV []byte
	//go:embed dol-goods.csv
	goodsCSV []byte
	//go:embed cbp-wro.csv
	wroCSV []byte
)

// Info says what a table is and where it came from.
type Info struct {
	Kind   string // one of the Kind constants
	Path   string // "builtin:fx.csv" or the file given
	Source string // the "# source:" line
	AsOf   string // the "# as_of:" line, YYYY-MM-DD
	Date   time.Time
	SHA256 string
	Rows   int
	meta   map[string]string
}

// table is a parsed reference file.
type table struct {
	Info
	col   map[string]int // normalised header → column
	rows  [][]string
	lines []int // the file line of each row
}

// parse reads a reference file: "# key: value" lines, then CSV with a
// header row. required names the columns the kind needs.
func parse(kind, path string, data []byte, required ...string) (*table, error) {
	sum := sha256.Sum256(data)
	t := &table{Info: Info{Kind: kind, Path: path, SHA256: hex.EncodeToString(sum[:]), meta: map[string]string{}}}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	line := 0
	for len(data) > 0 {
		l := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l = data[:i+1]
		}
		s := strings.TrimSpace(string(l))
		if s != "" && !strings.HasPrefix(s, "#") {
			break
		}
		line++
		data = data[len(l):]
		if k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(s, "#")), ":"); ok && !strings.Contains(k, " ") {
			t.meta[strings.ToLower(k)] = strings.TrimSpace(v)
		}
	}
	t.Source, t.AsOf = t.meta["source"], t.meta["as_of"]
	if t.AsOf != "" {
		d, err := time.Parse(time.DateOnly, t.AsOf)
		if err != nil {
			return nil, fmt.Errorf("%s: as_of %q is not a date (write YYYY-MM-DD)", path, t.AsOf)
		}
		t.Date = d
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.Comment = '#'
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: no header row", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t.col = map[string]int{}
	for i, h := range header {
		t.col[strings.ReplaceAll(fold(h), " ", "_")] = i
	}
	for _, c := range required {
		if _, ok := t.col[c]; !ok {
			return nil, fmt.Errorf("%s: no column %q in the header row (the columns are: %s)", path, c, strings.Join(required, ", "))
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		l, _ := r.FieldPos(0)
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, l+line)
	}
	if len(t.rows) == 0 {
		return nil, fmt.Errorf("%s: the table has no rows", path)
	}
	t.Rows = len(t.rows)
	return t, nil
}

// get returns row i's cell in column c, trimmed; "" when the row is short
// or the table has no such column.
func (t *table) get(i int, c string) string {
	j, ok := t.col[c]
	if !ok || j >= len(t.rows[i]) {
		return ""
	}
	return strings.TrimSpace(t.rows[i][j])
}

func (t *table) errorf(i int, format string, a ...any) error {
	return fmt.Errorf("%s:%d: %s", t.Path, t.lines[i], fmt.Sprintf(format, a...))
}

// list splits a "|"-separated cell.
func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// fold lower-cases s and turns every run of characters other than letters
// and digits into one space: "P.R. China" → "p r china". Letters keep their
// accents; ASCII apostrophes are dropped ("People's" → "peoples").
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		switch {
		case r == '\'' || r == '’':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// Fold is the normal form tables compare names in: lower case, words of
// letters and digits separated by single spaces.
func Fold(s string) string { return fold(s) }

// containsWords reports whether the folded text holds the folded phrase as
// whole words; a phrase in a script written without spaces (Chinese) is
// found anywhere.
func containsWords(text, phrase string) bool {
	if phrase == "" {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(phrase); r >= 0x2E80 {
		return strings.Contains(text, phrase)
	}
	for i := 0; ; {
		j := strings.Index(text[i:], phrase)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(phrase)
		if (j == 0 || text[j-1] == ' ') && (end == len(text) || text[end] == ' ') {
			return true
		}
		i = j + 1
	}
}

// Set is the reference data of one run.
type Set struct {
	Rates       *Rates
	MinimumAges *MinimumAges
	Countries   *Countries
	Places      *Places
	Agencies    *Agencies
	Goods       *Goods
	WROs        *WROs
}

var (
	defaultOnce sync.Once
	defaultSet  *Set
)

// Default returns the built-in tables.
func Default() *Set {
	defaultOnce.Do(func() {
		s := &Set{}
		must := func(err error) {
			if err != nil {
				panic("built-in reference data: " + err.Error())
			}
		}
		var err error
		s.Rates, err = ParseRates("builtin:fx.csv", fxCSV)
		must(err)
		s.MinimumAges, err = ParseMinimumAges("builtin:minimum-ages.csv", minimumAgesCSV)
		must(err)
		s.Countries, err = ParseCountries("builtin:countries.csv", countriesCSV)
		must(err)
		s.Places, err = ParsePlaces("builtin:xinjiang-places.csv", placesCSV)
		must(err)
		s.Agencies, err = ParseAgencies("builtin:agencies.csv", agenciesCSV)
		must(err)
		s.Goods, err = ParseGoods("builtin:dol-goods.csv", goodsCSV)
		must(err)
		s.WROs, err = ParseWROs("builtin:cbp-wro.csv", wroCSV)
		must(err)
		defaultSet = s
	})
	return defaultSet
}

// Infos lists the set's tables in a fixed order.
func (s *Set) Infos() []Info {
	return []Info{s.Rates.Info, s.MinimumAges.Info, s.Countries.Info, s.Places.Info, s.Agencies.Info, s.Goods.Info, s.WROs.Info}
}

// Replace returns a copy of s with the table of kind read from data.
func (s *Set) Replace(kind, path string, data []byte) (*Set, error) {
	n := *s
	var err error
	switch kind {
	case KindFX:
		n.Rates, err = ParseRates(path, data)
	case KindMinimumAges:
		n.MinimumAges, err = ParseMinimumAges(path, data)
	case KindCountries:
		n.Countries, err = ParseCountries(path, data)
	case KindPlaces:
		n.Places, err = ParsePlaces(path, data)
	case KindAgencies:
		n.Agencies, err = ParseAgencies(path, data)
	case KindGoods:
		n.Goods, err = ParseGoods(path, data)
	case KindWRO:
		n.WROs, err = ParseWROs(path, data)
	default:
		return nil, fmt.Errorf("unknown kind of reference table %q", kind)
	}
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// errNoRows is returned for a table whose rows are all unusable.
var errNoRows = errors.New("no usable rows")
