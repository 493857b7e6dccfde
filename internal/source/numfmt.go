package source

import (
	"strings"
	"unicode"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// How a cell's number format shows a number.
type fmtKind int

const (
	fmtNumber  fmtKind = iota // a number: read as the stored value
	fmtDate                   // a date, perhaps with a time: read as an ISO date
	fmtTime                   // a time of day: read as shown
	fmtElapsed                // a duration in hours ([h]:mm): read as hours
)

// builtinKind classifies Excel's built-in number formats by id.
func builtinKind(id int) fmtKind {
	switch {
	case id >= 14 && id <= 17, id == 22, id >= 27 && id <= 31, id == 36, id >= 50 && id <= 58:
		return fmtDate
	case id == 46:
		return fmtElapsed
	case id >= 18 && id <= 21, id >= 32 && id <= 35, id == 45, id == 47:
		return fmtTime
	}
	return fmtNumber
}

// classifyFormat classifies a custom number format code by the date and time
// tokens in its first section, ignoring quoted text, escaped characters,
// fill and padding characters and bracketed colours, conditions and locales.
// Elapsed-time brackets ([h], [mm], [ss]) make it a duration.
func classifyFormat(code string) fmtKind {
	var b strings.Builder
	elapsed := false
	rs := []rune(strings.ToLower(code))
loop:
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case ';':
			break loop
		case '"':
			for i++; i < len(rs) && rs[i] != '"'; i++ {
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			inner := string(rs[i+1 : min(j, len(rs))])
			if inner != "" && strings.Trim(inner, "hms") == "" {
				elapsed = true
			}
			i = j
		default:
			b.WriteRune(c)
		}
	}
	t := b.String()
	switch {
	case strings.ContainsAny(t, "yd"), strings.Contains(t, "mmm"):
		return fmtDate
	case elapsed:
		return fmtElapsed
	case strings.ContainsAny(t, "hs"), strings.Contains(t, "am/pm"), strings.Contains(t, "a/p"):
		return fmtTime
	}
	return fmtNumber
}

// formatCurrency returns the ISO code of the currency a number format shows
// when the format names it unambiguously: a bracketed currency ("[$€-407]",
// "[$NPR]", "[$$-409]" for US dollars), a quoted ISO code or name ("\"RM\"
// #,##0"), or a sign used by one currency only. A bare "$", the default
// currency format of many locales, names none.
func formatCurrency(code string) string {
	if i := strings.Index(code, "[$"); i >= 0 {
		if j := strings.IndexByte(code[i:], ']'); j > 0 {
			sym, lcid, _ := strings.Cut(code[i+2:i+j], "-")
			switch {
			case sym == "$":
				if strings.EqualFold(lcid, "409") {
					return "USD"
				}
			case sym != "":
				return contract.CurrencyCode(sym)
			}
		}
	}
	var quoted []string
	for rest := code; ; {
		i := strings.IndexByte(rest, '"')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i+1:], '"')
		if j < 0 {
			break
		}
		quoted = append(quoted, rest[i+1:i+1+j])
		rest = rest[i+j+2:]
	}
	for _, q := range quoted {
		if c := contract.CurrencyCode(strings.TrimSpace(q)); c != "" {
			return c
		}
	}
	for _, r := range code {
		if unicode.Is(unicode.Sc, r) && r != '$' && r != '¥' && r != '£' {
			if c := contract.CurrencyCode(string(r)); c != "" {
				return c
			}
		}
	}
	return ""
}
