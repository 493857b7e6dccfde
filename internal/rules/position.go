package rules

import (
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Positions inside scalars.
//
// A CEL issue comes with a line and column inside the expression text, but
// the expression reached CEL after YAML decoded it: quotes and escapes
// removed, block indentation stripped, folded lines joined. To put the
// caret under the offending token in the rule file, sourcePos walks the
// decoded value and the raw file text side by side, matching each decoded
// character to the source character it came from. Characters YAML dropped
// (indentation, quotes, the backslash of an escape) are skipped; a space or
// line break made by folding matches the line break it replaced.

// sourcePos returns the 1-based line and column (in characters) in the file
// of the character at rune offset off of scalar node n's value. An offset at
// or past the end gives the position just after the last character.
func (f *File) sourcePos(n *yaml.Node, off int) (line, col int) {
	if n.Kind != yaml.ScalarNode {
		return n.Line, n.Column
	}
	block := n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	double := n.Style&yaml.DoubleQuotedStyle != 0
	single := n.Style&yaml.SingleQuotedStyle != 0
	s := &scanner{f: f, line: n.Line, col: n.Column}
	switch {
	case block: // the text starts on the line after | or >
		s.line, s.col = n.Line+1, 1
	case double || single:
		s.col++
	}
	line, col = s.line, s.col
	i := 0
	for _, v := range n.Value {
		l, c, ok := s.match(v, double, single)
		if !ok {
			break
		}
		if i == off {
			return l, c
		}
		line, col = l, c+1
		i++
	}
	return line, col
}

// scanner walks the source text of a rule file character by character.
type scanner struct {
	f         *File
	line, col int // of the next character; col counts characters from 1
}

// peek returns the character at the scanner's position, '\n' at the end of
// a line, and false past the end of the file.
func (s *scanner) peek() (rune, bool) {
	if s.line > len(s.f.lines) {
		return 0, false
	}
	text := s.f.line(s.line)
	i := byteIndex(text, s.col-1)
	if i >= len(text) {
		return '\n', true
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return r, true
}

func (s *scanner) advance() {
	r, ok := s.peek()
	if !ok {
		return
	}
	if r == '\n' {
		s.line++
		s.col = 1
		return
	}
	s.col++
}

// match finds the source character decoded value character v came from,
// moves past it and returns its position.
func (s *scanner) match(v rune, double, single bool) (line, col int, ok bool) {
	for {
		r, more := s.peek()
		if !more {
			return 0, 0, false
		}
		line, col = s.line, s.col
		switch {
		case double && r == '\\':
			s.advance()
			e, _ := s.peek()
			if e == '\n' { // an escaped line break joins the lines
				s.advance()
				s.skipBlanks()
				continue
			}
			s.advance()
			for range escapeDigits(e) {
				s.advance()
			}
			return line, col, true
		case single && r == '\'' && v == '\'':
			s.advance()
			s.advance() // '' is one quote
			return line, col, true
		case r == v, r == '\n' && v == ' ':
			s.advance()
			return line, col, true
		}
		s.advance()
	}
}

func (s *scanner) skipBlanks() {
	for {
		r, ok := s.peek()
		if !ok || (r != ' ' && r != '\t') {
			return
		}
		s.advance()
	}
}

// escapeDigits is the number of hex digits after a double-quoted escape.
func escapeDigits(e rune) int {
	switch e {
	case 'x':
		return 2
	case 'u':
		return 4
	case 'U':
		return 8
	}
	return 0
}

// byteIndex is the byte index of the n-th character of s (len(s) when s is
// shorter).
func byteIndex(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// runeOffset converts a CEL location (1-based line, 0-based column in
// characters) in src to a character offset from the start of src.
func runeOffset(src string, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src, '\n')
		if i < 0 {
			break
		}
		off += utf8.RuneCountInString(src[:i+1])
		src = src[i+1:]
	}
	return off + col
}
