package xlsx

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
// too) and returns its 0-based column. ok is false when the reference is not
// letters followed by digits, or the column is beyond MaxColumns.
func parseCellRef(ref []byte) (col int, ok bool) {
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
			return 0, false
		}
	}
done:
	if i == start {
		return 0, false
	}
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	if i == len(ref) {
		return 0, false
	}
	for ; i < len(ref); i++ {
		if ref[i] < '0' || ref[i] > '9' {
			return 0, false
		}
	}
	return n - 1, true
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
