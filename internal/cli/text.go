package cli

import (
	"strings"
	"unicode/utf8"

	"github.com/laborcheck/laborcheck/internal/report"
)

// safe makes text from rosters, file names and mapping files fit to print on
// a terminal: see [report.Safe], which the terminal summary uses too.
func safe(s string) string { return report.Safe(s) }

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
