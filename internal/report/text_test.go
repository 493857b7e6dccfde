package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeText(tb testing.TB, r *Report, o TextOptions) string {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, WriteText(&buf, r, o))
	return buf.String()
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestWriteText_Golden(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *Report
		o    TextOptions
	}{
		{"report.txt.golden", sampleReport(t, true), TextOptions{MaxFindings: 5}},
		{"report-color.txt.golden", sampleReport(t, true), TextOptions{Color: true, MaxFindings: 5}},
		{"report-all.txt.golden", sampleReport(t, false), TextOptions{MaxFindings: -1}},
		{"empty.txt.golden", &Report{}, TextOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, []byte(writeText(t, tc.r, tc.o)))
		})
	}
}

func TestWriteText_Fits80Columns(t *testing.T) {
	r := sampleReport(t, true)
	r.Findings[0].File = strings.Repeat("very-long-directory-name/", 6) + "roster.xlsx"
	r.Findings[0].Message = strings.Repeat("a long message ", 20)
	r.Findings[0].ContractID = strings.Repeat("X", 40)
	r.Findings[0].RuleID = strings.Repeat("rule-", 10)
	r.Findings[1].WorkerName = "王秀英"
	r.Findings[1].ContractID = "合同-二〇二四-〇〇一"
	r.Findings[1].Message = strings.Repeat("工人支付了招聘费", 12)
	r.Findings[2].File = strings.Repeat("供应商/", 20) + "名册.xlsx"
	r.Inputs[2].Hint = strings.Repeat("hint ", 30)
	r.Summary.Contracts, r.Summary.ContractsFlagged, r.Summary.ContractsInsufficient, r.Summary.ContractsClear = 1200000, 400000, 400000, 400000
	for _, color := range []bool{false, true} {
		out := writeText(t, r, TextOptions{Color: color, MaxFindings: -1})
		for i, line := range strings.Split(out, "\n") {
			plain := ansi.ReplaceAllString(line, "")
			assert.LessOrEqual(t, displayWidth(plain), 80, "line %d (color %v): %q", i+1, color, plain)
		}
		if !color {
			assert.NotContains(t, out, "\x1b", "ANSI escape without Color")
		}
	}
}

func TestWriteText_TopFindings(t *testing.T) {
	r := sampleReport(t, false)
	out := writeText(t, r, TextOptions{MaxFindings: 3})
	assert.Contains(t, out, "Top findings (3 of 8, most severe first)")
	out = out[strings.Index(out, "Top findings"):]
	assert.Contains(t, out, "… and 5 more findings in the full report")
	// The critical findings on coercion indicators come first, in report
	// order; the critical one on hours is fourth.
	i1 := strings.Index(out, "passport-held")
	i2 := strings.Index(out, "fee-vs-wage")
	i3 := strings.Index(out, "fee-share")
	assert.True(t, 0 < i1 && i1 < i2 && i2 < i3, "order: %d %d %d\n%s", i1, i2, i3, out)
	assert.NotContains(t, out, "fee-paid")
	assert.NotContains(t, out, "hours-60")

	def := writeText(t, r, TextOptions{})
	assert.Contains(t, def, "Findings (8, most severe first)", "0 means DefaultTextFindings (10)")
}

func TestWriteText_SuppliersAndContracts(t *testing.T) {
	r := sampleReport(t, false)
	out := writeText(t, r, TextOptions{MaxContracts: 2, MaxSuppliers: 1})
	assert.Contains(t, out, "Suppliers (1 of 2, highest risk first)")
	assert.Contains(t, out, "Flagged contracts (2 of 4, highest risk first)")
	assert.Contains(t, out, "… and 2 more flagged contracts in the full report")
	all := writeText(t, r, TextOptions{MaxContracts: -1, MaxSuppliers: -1})
	assert.Contains(t, all, "Flagged contracts (4, highest risk first)")
	assert.Contains(t, all, "passport-held, fee-vs-wage, fee-paid", "a contract's rules are listed under it")
}

func TestTermSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"\x1b[2J\x1b[31mred", "␛[2J␛[31mred"},
		{"a\tb\nc\rd", "a b c d"},
		{"bell\a", "bell␇"},
		{"del\x7f", "del␡"},
		{"c1 \u009b31m", "c1 <U+009B>31m"},
		{"\u202Eevil\u202C", "<U+202E>evil<U+202C>"},
		{"\u2066iso\u2069", "<U+2066>iso<U+2069>"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"Nguyễn Thị Hương", "Nguyễn Thị Hương"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, termSafe(tc.in), "termSafe(%q)", tc.in)
	}
}

func TestWriteText_HostileTerminalText(t *testing.T) {
	r := sampleReport(t, false)
	r.Findings[0].Message = "\x1b]0;pwned\a\x1b[2Jcleared"
	out := writeText(t, r, TextOptions{Color: false})
	assert.NotContains(t, out, "\x1b")
	assert.NotContains(t, out, "\a")
}

func TestWrapText(t *testing.T) {
	tests := []struct {
		in    string
		width int
		max   int
		want  []string
	}{
		{"", 10, 2, []string{""}},
		{"short", 10, 2, []string{"short"}},
		{"one two three four", 9, 2, []string{"one two", "three fo…"}},
		{"one two three", 9, 2, []string{"one two", "three"}},
		{"averyveryverylongword x", 8, 2, []string{"averyve…", "x"}},
		{"a b c d e f", 3, 1, []string{"a …"}},
		{"王秀英 工人支付了招聘费", 8, 2, []string{"王秀英", "工人支…"}},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, wrapText(tc.in, tc.width, tc.max), "wrapText(%q, %d, %d)", tc.in, tc.width, tc.max)
	}
}

func TestDisplayWidth(t *testing.T) {
	assert.Equal(t, 4, displayWidth("Rina"))
	assert.Equal(t, 6, displayWidth("王秀英"))
	assert.Equal(t, 4, displayWidth("한국"))
	assert.Equal(t, "王秀…", truncateWidth("王秀英工人", 5))
	assert.Equal(t, "…英工人", fitLeft("王秀英工人", 7))
	assert.Equal(t, "王秀英  |", pad("王秀英", 8)+"|")
}
