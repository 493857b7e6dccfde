package xlsx

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// sharedStrings is the shared strings table: all strings decoded into one
// arena, string i being arena[ends[i-1]:ends[i]]. Each string is cut to
// MaxCellText characters as it is read; long marks the ones that were.
type sharedStrings struct {
	arena []byte
	ends  []uint32
	long  map[int]bool
	// text is arena as a string, once the table is read and arena no
	// longer changes: string i is a substring of it, shared without a copy.
	text string
}

func (t *sharedStrings) len() int { return len(t.ends) }

// get returns string i and whether it was cut to MaxCellText characters.
func (t *sharedStrings) get(i int) ([]byte, bool) {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.arena[start:t.ends[i]:t.ends[i]], t.long != nil && t.long[i]
}

// str returns string i as a string (see text).
func (t *sharedStrings) str(i int) string {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.text[start:t.ends[i]]
}

// seal makes text: arena is not written again.
func (t *sharedStrings) seal() {
	if len(t.arena) > 0 {
		t.text = unsafe.String(unsafe.SliceData(t.arena), len(t.arena))
	}
}

// SharedStringsError is a shared strings table over the Limits: the
// workbook is refused rather than read with strings missing. It wraps
// ErrTooLarge.
type SharedStringsError struct {
	Count    int   // strings read when the limit was passed
	Bytes    int64 // bytes of text read when the limit was passed
	MaxCount int
	MaxBytes int64
}

func (e *SharedStringsError) Error() string {
	if e.Count > e.MaxCount {
		return fmt.Sprintf("the shared strings table holds more than %d strings", e.MaxCount)
	}
	return fmt.Sprintf("the shared strings table holds more than %d MiB of text", e.MaxBytes>>20)
}

// Unwrap returns ErrTooLarge.
func (e *SharedStringsError) Unwrap() error { return ErrTooLarge }

// SharedStrings reads the shared strings table now, if it has not been read
// yet, and returns how many strings it holds. Rows reads it when a sheet
// first needs it; a caller that wants a workbook whose table cannot be read
// refused whole calls this first. The error is the one Rows would give.
func (w *Workbook) SharedStrings(ctx context.Context) (int, error) {
	t, err := w.sharedStrings(ctx)
	if err != nil {
		return 0, err
	}
	return t.len(), nil
}

// sharedStrings loads the shared strings table once. A load stopped by ctx
// is not remembered, so a later call with a live context loads it again.
func (w *Workbook) sharedStrings(ctx context.Context) (*sharedStrings, error) {
	w.sstMu.Lock()
	defer w.sstMu.Unlock()
	if w.sst != nil || w.sstErr != nil {
		return w.sst, w.sstErr
	}
	zf := w.part(w.sstPath)
	if zf == nil {
		w.sst = &sharedStrings{}
		return w.sst, nil
	}
	rc, err := w.openPart(ctx, zf)
	if err != nil {
		w.sstErr = fmt.Errorf("%w: damaged part %s: %v", ErrFormat, zf.Name, err)
		return nil, w.sstErr
	}
	defer rc.Close()
	t := &sharedStrings{}
	maxCount, maxBytes := w.lim.MaxSharedStrings, w.lim.MaxSharedBytes
	if maxCount == 0 {
		maxCount = DefaultMaxSharedStrings
	}
	if maxBytes == 0 {
		maxBytes = DefaultMaxSharedBytes
	}
	if maxCount < 0 {
		maxCount = 1<<31 - 1
	}
	if maxBytes < 0 || maxBytes > 1<<32-1 {
		maxBytes = 1<<32 - 1 // ends are 32-bit
	}
	if err := parseSST(newScanner(rc), t, zf.UncompressedSize64, maxCount, maxBytes); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrFormat) {
			w.sstErr = fmt.Errorf("xlsx: %s: %w", zf.Name, err)
		} else {
			w.sstErr = fmt.Errorf("%w: %s: %v", ErrFormat, zf.Name, err)
		}
		return nil, w.sstErr
	}
	w.sst = t
	return t, nil
}

// parseSST reads <sst><si>…</si>…</sst>. Each <si> is its <t> text, or the
// concatenation of its rich-text runs' <t> texts; phonetic runs (<rPh>) are
// left out. "_xHHHH_" escapes are decoded as excelize does. A string longer
// than MaxCellText characters is cut to them as it is read; more than
// maxCount strings or maxBytes bytes of text is a *SharedStringsError.
func parseSST(sc *scanner, t *sharedStrings, size uint64, maxCount int, maxBytes int64) error {
	// Pre-size from the part size (a rough guess, never from the declared
	// count alone, which a damaged file may overstate).
	t.arena = make([]byte, 0, min(size/3, 64<<20, uint64(maxBytes)))
	// add ends the string that starts at start in the arena.
	add := func(start int, cut bool) error {
		t.arena = append(t.arena[:start], unescapeBSTR(t.arena[start:])...)
		if len(t.arena)-start > MaxCellText {
			end, c := capRunes(t.arena, start, len(t.arena))
			t.arena, cut = t.arena[:end], cut || c
		}
		if cut {
			if t.long == nil {
				t.long = map[int]bool{}
			}
			t.long[len(t.ends)] = true
		}
		if len(t.ends) >= maxCount || int64(len(t.arena)) > maxBytes {
			return &SharedStringsError{Count: len(t.ends) + 1, Bytes: int64(len(t.arena)), MaxCount: maxCount, MaxBytes: maxBytes}
		}
		t.ends = append(t.ends, uint32(len(t.arena)))
		return nil
	}
	inSST := false
	for {
		if inSST && fastSIs {
			start := len(t.arena)
			var ok bool
			var err error
			if t.arena, ok, err = sc.fastSI(t.arena); err != nil {
				return err
			} else if ok {
				if err := add(start, false); err != nil {
					return err
				}
				continue
			}
		}
		k, err := sc.next()
		if err != nil {
			return err
		}
		if k == tokEOF {
			t.seal()
			return nil
		}
		if k != tokStart {
			continue
		}
		switch string(sc.name) {
		case "sst":
			inSST = !sc.empty
			if n := attrInt(sc.attrs, "uniqueCount"); n > 0 {
				t.ends = make([]uint32, 0, min(n, int(size/8)+1, maxCount))
			}
		case "si":
			start := len(t.arena)
			cut := false
			if !sc.empty {
				if t.arena, cut, err = richText(sc, t.arena, start); err != nil {
					return err
				}
			}
			if err := add(start, cut); err != nil {
				return err
			}
		}
	}
}

// fastSIs turns fastSI off, for tests that compare with and without.
var fastSIs = true

// fastSIMax is the longest text fastSI reads; a longer one is read (and
// capped) by richText.
const fastSIMax = 4 << 10

// fastSI reads the string item at the scanner's position, after any white
// space, when it is written the way spreadsheet programs write most of
// them: <si><t>…</t></si> or <si><t xml:space="preserve">…</t></si>,
// whole in the buffer, its text plain (no markup, comment or CDATA) and at
// most fastSIMax bytes. The text is appended to dst with its references
// decoded and line ends normalised, as text does. ok is false, with
// nothing but white space consumed, for anything else, which the tokenizer
// then reads.
func (s *scanner) fastSI(dst []byte) (out []byte, ok bool, err error) {
	for {
		if !s.ensure(1) {
			return dst, false, nil
		}
		if c := s.buf[s.pos]; c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			break
		}
		s.pos++
	}
	const plain, preserve = "<si><t>", `<si><t xml:space="preserve">`
	if !s.ensure(len(plain)) {
		return dst, false, nil
	}
	n := 0
	switch b := s.buf[s.pos:s.end]; {
	case string(b[:len(plain)]) == plain:
		n = len(plain)
	case string(b[:len(plain)-1]) == plain[:len(plain)-1] && b[len(plain)-1] == ' ' &&
		s.ensure(len(preserve)) && string(s.buf[s.pos:s.pos+len(preserve)]) == preserve:
		n = len(preserve)
	default:
		return dst, false, nil
	}
	const end = "</t></si>"
	j := s.findWithin('<', n, fastSIMax)
	if j < 0 || j-n > fastSIMax || !s.ensure(j+len(end)) || string(s.buf[s.pos+j:s.pos+j+len(end)]) != end {
		return dst, false, nil
	}
	if out, err = appendText(dst, s.buf[s.pos+n:s.pos+j]); err != nil {
		return dst, false, err
	}
	s.pos += j + len(end)
	return out, true, nil
}

// richText appends the text of a string item (<si> or <is>) whose start tag
// was just read, consuming up to and including its end tag. It keeps at
// most maxTextBytes bytes from base on; cut reports that it dropped some.
func richText(sc *scanner, dst []byte, base int) (out []byte, cut bool, err error) {
	depth := 1
	for {
		k, err := sc.next()
		if err != nil {
			return dst, cut, err
		}
		switch k {
		case tokEOF:
			return dst, cut, errUnexpectedEOF
		case tokEnd:
			depth--
			if depth == 0 {
				return dst, cut, nil
			}
		case tokStart:
			switch {
			case string(sc.name) == "rPh":
				if err := sc.skip(); err != nil {
					return dst, cut, err
				}
			case sc.empty:
			case string(sc.name) == "t":
				var c bool
				if dst, c, err = sc.text(dst, base, maxTextBytes); err != nil {
					return dst, cut, err
				}
				cut = cut || c
				if err := sc.skip(); err != nil {
					return dst, cut, err
				}
			default:
				depth++
			}
		}
	}
}

// unescapeBSTR decodes the "_xHHHH_" escapes spreadsheet programs use for
// characters XML cannot carry (e.g. "_x000D_" for a carriage return), the
// way excelize does: "_x005F_" is a literal underscore, an escape of a UTF-16
// surrogate is dropped. It works in place and returns the shortened slice.
func unescapeBSTR(b []byte) []byte {
	i := indexBSTR(b, 0)
	if i < 0 {
		return b
	}
	out := b[:i]
	for i < len(b) {
		if isBSTR(b[i:]) {
			v := rune(hexVal(b[i+2])<<12 | hexVal(b[i+3])<<8 | hexVal(b[i+4])<<4 | hexVal(b[i+5]))
			if utf8.ValidRune(v) {
				out = utf8.AppendRune(out, v)
			}
			i += 7
			continue
		}
		j := indexBSTR(b, i+1)
		if j < 0 {
			j = len(b)
		}
		out = append(out, b[i:j]...)
		i = j
	}
	return out
}

func indexBSTR(b []byte, from int) int {
	for i := from; i+7 <= len(b); i++ {
		if b[i] == '_' && b[i+1] == 'x' && isBSTR(b[i:]) {
			return i
		}
	}
	return -1
}

func isBSTR(b []byte) bool {
	return len(b) >= 7 && b[0] == '_' && b[1] == 'x' && b[6] == '_' &&
		hexVal(b[2]) >= 0 && hexVal(b[3]) >= 0 && hexVal(b[4]) >= 0 && hexVal(b[5]) >= 0
}

// attrInt returns the value of an integer attribute, -1 when absent or bad.
func attrInt(attrs []byte, name string) int {
	for {
		n, v, rest, ok := nextAttr(attrs)
		if !ok {
			return -1
		}
		if string(n) == name {
			return parseUint(v, 1<<40)
		}
		attrs = rest
	}
}
