package header

import (
	"os"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// TestLanguageHeaders maps the headers of testdata/languages.tsv, one
// block per language (a "# <language>" comment line starts each), the way
// TestMatchHeaders maps headers.tsv, and logs the score per language.
func TestLanguageHeaders(t *testing.T) {
	m, err := NewMatcher(contract.DefaultSchema(), Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	const path = "testdata/languages.tsv"
	cases := readCases(t, path)
	lang := languageOfLines(t, path)
	type tally struct{ n, wrong int }
	score := map[string]*tally{}
	var order []string
	for _, c := range cases {
		l := lang[c.line]
		if score[l] == nil {
			score[l] = &tally{}
			order = append(order, l)
		}
		s := score[l]
		s.n++
		mt := m.MatchSheet([]Column{{Header: c.header, Values: c.values}})[0]
		got := "-"
		if mt.Field != nil {
			got = mt.Field.Name
		}
		if got != c.field {
			s.wrong++
			t.Errorf("%s line %d: %q → %s (%s %.2f; %s), want %s; read as %v", l, c.line, c.header, got, mt.Method, mt.Score, mt.Reason, c.field, m.vocab.analyze(c.header).concepts)
			continue
		}
		if msg := checkHint(mt, c.hint); msg != "" {
			s.wrong++
			t.Errorf("%s line %d: %q → %s: %s", l, c.line, c.header, got, msg)
		}
	}
	total, wrong := 0, 0
	for _, l := range order {
		s := score[l]
		total += s.n
		wrong += s.wrong
		t.Logf("%-22s %3d of %3d headers read right (%.0f%%)", l, s.n-s.wrong, s.n, 100*float64(s.n-s.wrong)/float64(s.n))
	}
	if total > 0 {
		t.Logf("%-22s %3d of %3d headers read right (%.0f%%)", "all", total-wrong, total, 100*float64(total-wrong)/float64(total))
	}
}

// languageOfLines reads which "# <language>" block each line of the table
// is in: a comment line of one word or two starts a block.
func languageOfLines(t *testing.T, path string) map[int]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	cur := "(none)"
	for i, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "#"); ok {
			if w := strings.Fields(rest); len(w) > 0 && len(w) <= 2 && !strings.Contains(rest, "\t") {
				cur = strings.Join(w, " ")
			}
			continue
		}
		out[i+1] = cur
	}
	return out
}
