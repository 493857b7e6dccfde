package cli

import (
	"io"
	"os"
	"strconv"
)

// terminalWidth returns how many columns the summary may use on w: $COLUMNS
// when it is set, else the width of the terminal w is, else 0 (the
// summary's own 80).
func terminalWidth(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		return terminalColumns(f)
	}
	return 0
}
