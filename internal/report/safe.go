package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Safe makes text from rosters (supplier names, headers, sheet and file
// names, messages built from cells) fit to print on a terminal. Control
// characters, which could move the cursor, clear the screen, recolour what
// follows or start an escape sequence, are shown as the symbols for them:
// C0 as "␀" … "␟" (ESC as "␛"), DEL as "␡". C1 controls and the characters
// that reverse or isolate the direction of text (U+202A–U+202E,
// U+2066–U+2069, U+200E, U+200F, U+061C) are shown as "<U+202E>"; bytes
// that are not UTF-8 as "�". Everything else is kept, so text that needs
// no cleaning comes back unchanged.
//
// The terminal summary ([WriteText]) and laborcheck's error messages both
// print roster text through Safe.
func Safe(s string) string {
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

// unsafeRune reports whether r must not reach a terminal as it is.
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
