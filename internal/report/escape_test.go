package report

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// appendEscapedReference is appendEscaped written as a switch over each
// byte; appendEscaped must escape every text the same way.
func appendEscapedReference(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			var esc string
			switch c {
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\t':
				esc = "&#x9;"
			case '\r':
				esc = "&#xD;"
			case '\n':
				continue
			default:
				if c >= 0x20 {
					continue
				}
				esc = "\uFFFD"
			}
			b = append(b, s[last:i-1]...)
			b = append(b, esc...)
			last = i
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		if isXMLChar(r) && !(r == utf8.RuneError && width == 1) {
			continue
		}
		b = append(b, s[last:i-width]...)
		b = append(b, "\uFFFD"...)
		last = i
	}
	return append(b, s[last:]...)
}

func TestAppendEscapedMatchesReference(t *testing.T) {
	pieces := []string{"a", "word", " ", "_x", "_x000D_", "_x005F_x0041_", "x", "_", "\"", "'", "&", "<", ">",
		"\t", "\n", "\r", "\x00", "\x01", "\x1f", "\x7f", "é", "王", "\uFFFD", "\uFFFE", "\uFFFF", "\xff", "\xed\xa0\x80", "𠀋"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100_000 {
		var sb strings.Builder
		for range rng.IntN(20) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := sb.String()
		if got, want := string(appendEscaped([]byte("<t>"), s)), string(appendEscapedReference([]byte("<t>"), s)); got != want {
			t.Fatalf("appendEscaped(%q) = %q, want %q", s, got, want)
		}
		if got, want := strings.Contains(string(appendEscaped(nil, s)), "_x"), strings.Contains(s, "_x"); got != want {
			t.Fatalf("%q: escaped text has _x %v, text %v", s, got, want)
		}
	}
}

func BenchmarkAppendEscaped(b *testing.B) {
	texts := map[string]string{
		"message":  "The worker paid a recruitment fee of USD 1,200 to the agency before departure.",
		"evidence": "Fee paid (E7)=$1,200 (USD 1,200); passport_held_by (F7)=HR",
		"quoted":   `Supplier "Acme & Sons" <acme@example.com>`,
		"name":     "王秀英",
	}
	for _, fn := range []struct {
		name string
		f    func([]byte, string) []byte
	}{{"fn=new", appendEscaped}, {"fn=ref", appendEscapedReference}} {
		for name, s := range texts {
			b.Run(fn.name+"/"+name, func(b *testing.B) {
				buf := make([]byte, 0, 256)
				for b.Loop() {
					buf = fn.f(buf[:0], s)
				}
			})
		}
	}
}
