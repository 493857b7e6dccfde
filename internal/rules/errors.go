package rules

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a problem at a place in a rule file.
type Error struct {
	File   string
	Line   int // 1-based; 0 when the problem concerns the whole file
	Col    int // 1-based
	RuleID string
	Msg    string
	Hint   string
	// Snippet is the offending source line; the caret goes under Col.
	Snippet string
	// Warning marks a problem that does not stop a scan, such as a rule
	// that reads no contract field. Lint prints it; load and compile never
	// return one among their errors.
	Warning bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Warning {
		b.WriteString("warning: ")
	}
	if e.RuleID != "" {
		fmt.Fprintf(&b, "rule %q: ", e.RuleID)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Detail renders the error the way lint prints it: the position line, the
// source line with a caret under the column, and the hint.
func (e *Error) Detail() string {
	var b strings.Builder
	b.WriteString(e.Error())
	if e.Snippet != "" && e.Col > 0 {
		line, col := snippetWindow(strings.ReplaceAll(e.Snippet, "\t", " "), e.Col)
		fmt.Fprintf(&b, "\n | %s\n | %s^", line, strings.Repeat(".", min(col-1, utf8.RuneCountInString(line))))
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, "\n hint: %s", e.Hint)
	}
	return b.String()
}

// Errors is every problem found in a set of rule files, in file and line order.
type Errors []*Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no errors"
	case 1:
		return es[0].Error()
	}
	return fmt.Sprintf("%s (and %d more)", es[0].Error(), len(es)-1)
}

// Unwrap exposes each error to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Detail renders every error with its snippet and hint, one block per error.
func (es Errors) Detail() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Detail()
	}
	return strings.Join(parts, "\n")
}

// snippetWidth is the most of a source line Detail shows.
const snippetWidth = 200

// snippetWindow cuts a long source line to at most snippetWidth characters
// around column col, marking the cuts with "…", and returns the column in
// the cut line.
func snippetWindow(line string, col int) (string, int) {
	runes := []rune(line)
	if len(runes) <= snippetWidth {
		return line, col
	}
	start := max(0, min(col-1-snippetWidth/2, len(runes)-snippetWidth))
	end := min(len(runes), start+snippetWidth)
	out := string(runes[start:end])
	if start > 0 {
		out = "…" + out
		col = col - start + 1
	}
	if end < len(runes) {
		out += "…"
	}
	return out, col
}
