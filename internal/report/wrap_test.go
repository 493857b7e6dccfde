package report

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// wrappedLinesReference is the straightforward estimate of wrapped lines
// (paragraphs, then words, each measured on its own); wrappedLines must
// give the same number for every text and width.
func wrappedLinesReference(s string, width float64) int {
	per := max(1, int(width))
	lines := 0
	for para := range strings.SplitSeq(s, "\n") {
		lines++
		col := 0
		for word := range strings.FieldsSeq(para) {
			n := displayWidth(word)
			switch {
			case col == 0:
				col = n
			case col+1+n <= per:
				col += 1 + n
			default:
				lines++
				col = n
			}
			for col > per { // a word longer than the column breaks anywhere
				lines++
				col -= per
			}
		}
	}
	return max(lines, 1)
}

// wrapPieces are what the generated texts are made of: ASCII words of all
// lengths, accented and wide (CJK, Hangul, full-width) characters, every
// kind of white space encoding/json, strings.Fields and Unicode know,
// control characters and bytes that are not UTF-8.
var wrapPieces = []string{
	"a", "to", "fee", "worker", "recruitment", "USD", "1,200", "passport-held", "ILO", ";", "=",
	"supercalifragilisticexpialidocious", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789abcdefghij",
	"é", "Müller", "Nguyễn", "ñ", "Ω",
	"王", "秀英", "한국", "ｆｕｌｌ", "〿", "日本語のテキスト", "𠀋", "ﾊﾝｶｸ",
	" ", " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\v", "\f", "\r",
	"\u00a0", "\u0085", "\u2003", "\u3000", "\u2028", "\u1680", "\u200b",
	"\x00", "\x1f", "\x7f", "\xff", "\xe4\xb8", "\xc3",
}

func randomWrapText(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(40) {
		b.WriteString(wrapPieces[rng.IntN(len(wrapPieces))])
		if rng.IntN(3) > 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

var wrapWidths = []float64{0, 0.5, 1, 2, 3, 5, 7, 9.9, 10, 11, 22, 28, 40, 48, 50, 60, 70, 200}

func TestWrappedLinesMatchesReference(t *testing.T) {
	fixed := []string{
		"", " ", "\n", "\n\n", "a", "a\n", "\na", " a ", "a b", "a  b", "a\tb", "a\r\nb",
		strings.Repeat("x", 59), strings.Repeat("x", 60), strings.Repeat("x", 61), strings.Repeat("x", 121),
		strings.Repeat("ab ", 40), strings.Repeat("王", 30), strings.Repeat("王", 31), strings.Repeat("王 ", 30),
		"The worker paid a recruitment fee of USD 1,200 to the agency before departure.",
		"recruitment_fee_paid_by_worker (E7)=$1,200; passport_held_by (F7)=HR",
		strings.Repeat("\u3000", 25), "a\u3000b", "a\u00a0b", "\xff\xfe\xfd", "王秀英\n한국 ｆｕｌｌ",
	}
	for _, s := range fixed {
		for _, w := range wrapWidths {
			if got, want := wrappedLines(s, w), wrappedLinesReference(s, w); got != want {
				t.Errorf("wrappedLines(%q, %v) = %d, want %d", s, w, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		s := randomWrapText(rng)
		w := wrapWidths[rng.IntN(len(wrapWidths))]
		if got, want := wrappedLines(s, w), wrappedLinesReference(s, w); got != want {
			t.Fatalf("wrappedLines(%q, %v) = %d, want %d", s, w, got, want)
		}
	}
}

func FuzzWrappedLines(f *testing.F) {
	f.Add("The worker paid a recruitment fee of USD 1,200 to the agency before departure.", 60.0)
	f.Add("王秀英\n한국 ｆｕｌｌ\u3000x", 3.0)
	f.Add(strings.Repeat("x", 130)+"\r\n\t y", 50.0)
	f.Add("\xff \xc3\u00a0é", 1.0)
	f.Fuzz(func(t *testing.T, s string, width float64) {
		if got, want := wrappedLines(s, width), wrappedLinesReference(s, width); got != want {
			t.Errorf("wrappedLines(%q, %v) = %d, want %d", s, width, got, want)
		}
	})
}

func BenchmarkWrappedLines(b *testing.B) {
	texts := []struct {
		name  string
		s     string
		width float64
	}{
		{"message", "The worker paid a recruitment fee of USD 1,200 to the agency before departure.", 60},
		{"evidence", "recruitment_fee_paid_by_worker (E7)=$1,200; passport_held_by (F7)=HR", 48},
		{"short", "ILO indicator 7; RBA Code A1", 40},
		{"remedy", "Return every identity document to the worker the same day, record the return in the register and " +
			"confirm in writing that documents will not be held again; reimburse any fee paid.", 50},
		{"cjk", "王秀英的护照由雇主保管，工人在入职前向中介支付了招聘费用一千二百美元。", 22},
	}
	for _, fn := range []struct {
		name string
		f    func(string, float64) int
	}{{"fn=new", wrappedLines}, {"fn=ref", wrappedLinesReference}} {
		for _, tc := range texts {
			b.Run(fn.name+"/"+tc.name, func(b *testing.B) {
				for b.Loop() {
					fn.f(tc.s, tc.width)
				}
			})
		}
	}
}
