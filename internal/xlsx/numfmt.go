package xlsx

import "fmt"

// MaxColumns is the number of columns a worksheet can have (A..XFD).
const MaxColumns = 16384

// MaxRows is the number of rows a worksheet can have.
const MaxRows = 1048576

// ColumnLetter returns the spreadsheet column name of a 0-based column index:
// 0 → "A", 25 → "Z", 26 → "AA". It returns "" for a negative index.
func ColumnLetter(col int) string {
	if col < 0 {
		return ""
	}
	var b [16]byte
	i := len(b)
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		i--
		b[i] = byte('A' + (n-1)%26)
	}
	return string(b[i:])
}

// parseCellRef parses a cell reference such as "AB12" ("$AB$12" is accepted
// too) and returns its 0-based column and 1-based row. ok is false when the
// reference is not letters followed by digits; over is true when it is one
// but names a column beyond XFD or a row beyond MaxRows (col and row are then
// meaningless).
func parseCellRef(ref []byte) (col, row int, ok, over bool) {
	i := 0
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	n := 0
	start := i
	for ; i < len(ref); i++ {
		c := ref[i]
		switch {
		case 'A' <= c && c <= 'Z':
			n = n*26 + int(c-'A'+1)
		case 'a' <= c && c <= 'z':
			n = n*26 + int(c-'a'+1)
		default:
			goto done
		}
		if n > MaxColumns {
			over = true
			n = MaxColumns + 1 // keep counting letters without overflow
		}
	}
done:
	if i == start {
		return 0, 0, false, false
	}
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	if i == len(ref) {
		return 0, 0, false, false
	}
	for ; i < len(ref); i++ {
		c := ref[i]
		if c < '0' || c > '9' {
			return 0, 0, false, false
		}
		if row <= MaxRows {
			row = row*10 + int(c-'0')
		}
	}
	if row == 0 {
		return 0, 0, false, false
	}
	if row > MaxRows {
		over = true
	}
	return n - 1, row, true, over
}

// RefError is a cell or row reference a worksheet cannot have: past column
// XFD (16,384), past row 1,048,576, or not a reference at all. Such a cell
// is never moved to another column or row; the sheet is refused, naming the
// reference. It wraps ErrFormat.
type RefError struct {
	Ref    string // the reference as written (cut to 40 bytes)
	Row    int    // the row it was read in, 0 when unknown
	Reason string // what is wrong with it
}

func (e *RefError) Error() string {
	if e.Row > 0 {
		return fmt.Sprintf("row %d: cell reference %q %s", e.Row, e.Ref, e.Reason)
	}
	return fmt.Sprintf("reference %q %s", e.Ref, e.Reason)
}

// Unwrap returns ErrFormat.
func (e *RefError) Unwrap() error { return ErrFormat }

func newRefError(ref []byte, row int, reason string) *RefError {
	if len(ref) > 40 {
		ref = append(ref[:40:40], "…"...)
	}
	return &RefError{Ref: string(ref), Row: row, Reason: reason}
}

// parseUint parses an unsigned decimal integer, allowing surrounding blanks.
// It returns -1 when b is not one or when it exceeds limit.
func parseUint(b []byte, limit int) int {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return -1
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
		if n > limit {
			return -1
		}
	}
	return n
}

// IsDateFormat reports whether a number format shows numbers as dates or
// times. code is the format's code when the workbook defines one (custom
// formats, or a built-in id the workbook redefines); with code == "" the
// built-in id decides: 14–22 and 45–47 (dates and times), 27–36 and 50–58
// (the East Asian built-in date formats) and 71–81 (the Thai ones). A custom code is a date format when
// it uses d, m, y, h or s outside quoted text, [brackets] and escaped
// characters ("\x", "_x", "*x").
func IsDateFormat(numFmtID int, code string) bool {
	if code == "" {
		switch {
		case 14 <= numFmtID && numFmtID <= 22,
			45 <= numFmtID && numFmtID <= 47,
			27 <= numFmtID && numFmtID <= 36,
			50 <= numFmtID && numFmtID <= 58,
			71 <= numFmtID && numFmtID <= 81:
			return true
		}
		return false
	}
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			for i++; i < len(code) && code[i] != '"'; i++ {
			}
		case '[':
			for i++; i < len(code) && code[i] != ']'; i++ {
			}
		case '\\', '_', '*':
			i++
		case 'd', 'D', 'm', 'M', 'y', 'Y', 'h', 'H', 's', 'S':
			return true
		}
	}
	return false
}
