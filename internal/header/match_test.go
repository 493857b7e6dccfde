package header

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// headerCase is one row of testdata/headers.tsv: a header as rosters write
// it, values below it, the field it must map to ("-" for none) and what the
// match must carry besides.
type headerCase struct {
	line   int
	header string
	values []string
	field  string
	hint   string
}

func readCases(t *testing.T, path string) []headerCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []headerCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) < 3 {
			t.Fatalf("%s:%d: want header, values, field", path, n)
		}
		c := headerCase{line: n, header: parts[0], field: parts[2]}
		if parts[1] != "" {
			c.values = strings.Split(parts[1], "|")
		}
		if len(parts) > 3 {
			c.hint = parts[3]
		}
		out = append(out, c)
	}
	return out
}

// TestMatchHeaders maps each header of the table on its own (one column per
// sheet, its values below it) and checks the field and the conversion.
func TestMatchHeaders(t *testing.T) { runHeaderTable(t, "testdata/headers.tsv") }

// TestMatchRosterHeaders runs a second table, written apart from the
// vocabulary: spellings from HR exports, agency deployment lists, audit
// templates and crew lists, and look-alikes that must take no field or
// another one.
func TestMatchRosterHeaders(t *testing.T) { runHeaderTable(t, "testdata/redteam.tsv") }

func runHeaderTable(t *testing.T, path string) {
	m, err := NewMatcher(contract.DefaultSchema(), Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := readCases(t, path)
	wrong := 0
	for _, c := range cases {
		mt := m.MatchSheet([]Column{{Header: c.header, Values: c.values}})[0]
		got := "-"
		if mt.Field != nil {
			got = mt.Field.Name
		}
		if got != c.field {
			wrong++
			t.Errorf("line %d: %q → %s (%s %.2f; %s), want %s", c.line, c.header, got, mt.Method, mt.Score, mt.Reason, c.field)
			continue
		}
		if msg := checkHint(mt, c.hint); msg != "" {
			wrong++
			t.Errorf("line %d: %q → %s: %s", c.line, c.header, got, msg)
		}
	}
	t.Logf("%s: %d of %d headers read right (%.0f%%)", path, len(cases)-wrong, len(cases), 100*float64(len(cases)-wrong)/float64(len(cases)))
}

// checkHint compares a match's hints with the table's hint column.
func checkHint(mt Match, hint string) string {
	h := mt.Hints
	want := map[string]string{}
	for _, kv := range strings.Fields(hint) {
		k, v, _ := strings.Cut(kv, "=")
		want[k] = v
	}
	if _, ok := want["inv"]; ok != h.Invert {
		return "invert = " + strconv.FormatBool(h.Invert)
	}
	if y, ok := want["yes"]; ok && h.Yes != y || !ok && h.Yes != "" {
		return "yes = " + h.Yes
	}
	if _, ok := want["share"]; ok != h.Share {
		return "share = " + strconv.FormatBool(h.Share)
	}
	if _, ok := want["basis"]; ok != (h.Basis == contract.BasisWorkdays) {
		return "basis wrong"
	}
	if s, ok := want["scale"]; ok {
		x, _ := strconv.ParseFloat(s, 64)
		if math.Abs(h.Scale-x) > 0.001 {
			return "scale = " + strconv.FormatFloat(h.Scale, 'f', 4, 64)
		}
	} else if h.Scale != 0 && h.Scale != 1 {
		return "unexpected scale " + strconv.FormatFloat(h.Scale, 'f', 4, 64)
	}
	if c, ok := want["cur"]; ok && h.Currency != c {
		return "currency = " + h.Currency
	}
	return ""
}
