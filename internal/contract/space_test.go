package contract

import (
	"strings"
	"testing"
)

// collapseSpaceRunes is collapseSpace without its ASCII fast path.
func collapseSpaceRunes(s string) string {
	var b strings.Builder
	prevSpace := false
	for _, r := range s {
		if isSpace(r) {
			prevSpace = true
			continue
		}
		if prevSpace {
			b.WriteByte(' ')
			prevSpace = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

var spaceCases = []string{
	"", " ", "  ", "a", "a b", "a  b", " a", "a ", "a\tb", "a\nb", "a \r\nb", "Worker 25", "W000025",
	"Ngô Văn An", "a\u00a0b", "a\u2003 b", "\ufeffa", "a\u200bb", "x\u0085y", "é  é", "a \u00a0b", "ab\x85",
}

func TestCollapseSpace(t *testing.T) {
	for _, s := range spaceCases {
		if got, want := collapseSpace(s), collapseSpaceRunes(s); got != want && !(got == s && isCollapsed(s)) {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// isCollapsed reports whether collapseSpace may return s as it is: no
// white space but single plain spaces, which the rune version keeps too
// except at the ends.
func isCollapsed(s string) bool {
	prev := false
	for _, r := range s {
		sp := isSpace(r)
		if sp && (r != ' ' || prev) {
			return false
		}
		prev = sp
	}
	return true
}

func FuzzCollapseSpace(f *testing.F) {
	for _, s := range spaceCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := collapseSpace(s)
		if isCollapsed(s) {
			if got != s {
				t.Fatalf("collapseSpace(%q) = %q, want it unchanged", s, got)
			}
			return
		}
		if want := collapseSpaceRunes(s); got != want {
			t.Fatalf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
