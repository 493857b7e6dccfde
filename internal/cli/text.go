package cli

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// safe makes text from rosters, file names and mapping files fit to print on
// a terminal: control characters (which could move the cursor, clear the
// screen or recolour what follows) are shown as the symbols for them
// ("␛", "␊"), characters that reverse the direction of text as
// "<U+202E>", and bytes that are not UTF-8 as "�".
func safe(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␀ … ␟
		case r == 0x7f:
			b.WriteRune('\u2421') // ␡
		case unsafeRune(r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f,
		r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// oneLine shows a cell or header on one line of a table: runs of spaces
// and line breaks become one space, control characters are shown (see
// safe), and text over 40 characters is cut with "...".
func oneLine(s string) string {
	s = safe(strings.Join(strings.Fields(s), " "))
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		s = string(r[:37]) + "..."
	}
	return s
}
