package report

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// RowEncoder encodes contracts and findings as [Rows] keeps them, for
// callers that store rows elsewhere (a shard's partial result). Strings and
// lists that repeat from row to row are written as numbers into a table;
// Table returns it, and a [RowDecoder] made from it reads the rows back.
// A RowEncoder is not safe for concurrent use.
type RowEncoder struct {
	c codec
}

// NewRowEncoder returns an encoder with an empty table.
func NewRowEncoder() *RowEncoder { return &RowEncoder{} }

// AppendContract appends the encoding of c to b.
func (e *RowEncoder) AppendContract(b []byte, c *Contract) []byte {
	return e.c.appendContract(b, c)
}

// AppendFinding appends the encoding of f to b. It fails only on evidence
// of a type a report cannot hold.
func (e *RowEncoder) AppendFinding(b []byte, f *Finding) ([]byte, error) {
	return e.c.appendFinding(b, f)
}

// AppendString appends s as a number in the table: for strings of the
// caller's own that repeat from row to row.
func (e *RowEncoder) AppendString(b []byte, s string) []byte {
	return e.c.str(b, s)
}

// AppendStrings appends a list of strings that repeats from row to row
// (the same slice shared by many rows) as a number in the table.
func (e *RowEncoder) AppendStrings(b []byte, l []string) []byte {
	return e.c.strList(b, l)
}

// Table returns the strings and lists the rows encoded so far refer to.
// They are the encoder's own: the caller must not change them.
func (e *RowEncoder) Table() (strs []string, lists [][]string) {
	return e.c.strTab, e.c.list
}

// RowDecoder reads rows a [RowEncoder] wrote, given its table. It is safe
// for concurrent use.
type RowDecoder struct {
	r *Rows // its table alone
}

// NewRowDecoder returns a decoder for rows encoded against this table.
func NewRowDecoder(strs []string, lists [][]string) *RowDecoder {
	return &RowDecoder{r: &Rows{codec: codec{strTab: strs, list: lists}}}
}

// ErrDamagedRow is returned by a RowDecoder for bytes that are not a row
// its table's encoder wrote.
var ErrDamagedRow = errors.New("damaged row")

func (d *RowDecoder) reader(b []byte) *rowReader {
	return &rowReader{w: d.r, rec: b}
}

func (rr *rowReader) done(what string) ([]byte, error) {
	if rr.err != nil {
		return nil, fmt.Errorf("%s: %w", what, ErrDamagedRow)
	}
	return rr.rec[rr.off:], nil
}

// Contract decodes the contract at the start of b into c and returns the
// bytes after it. c's strings do not refer to b.
func (d *RowDecoder) Contract(b []byte, c *Contract) ([]byte, error) {
	rr := d.reader(b)
	rr.contract(c)
	return rr.done("contract")
}

// Finding decodes the finding at the start of b into f and returns the
// bytes after it. f's strings do not refer to b.
func (d *RowDecoder) Finding(b []byte, f *Finding) ([]byte, error) {
	rr := d.reader(b)
	rr.finding(f)
	return rr.done("finding")
}

// String decodes a string AppendString wrote.
func (d *RowDecoder) String(b []byte) (string, []byte, error) {
	rr := d.reader(b)
	s := rr.str()
	rest, err := rr.done("string")
	return s, rest, err
}

// Strings decodes a list AppendStrings wrote.
func (d *RowDecoder) Strings(b []byte) ([]string, []byte, error) {
	rr := d.reader(b)
	l := rr.strList()
	rest, err := rr.done("list")
	return l, rest, err
}

// AppendTable appends a table (see RowEncoder.Table) for ReadTable.
func AppendTable(b []byte, strs []string, lists [][]string) []byte {
	b = binary.AppendUvarint(b, uint64(len(strs)))
	for _, s := range strs {
		b = inline(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(lists)))
	for _, l := range lists {
		b = binary.AppendUvarint(b, uint64(len(l)))
		for _, s := range l {
			b = inline(b, s)
		}
	}
	return b
}

// ReadTable reads a table AppendTable wrote.
func ReadTable(b []byte) (strs []string, lists [][]string, err error) {
	rr := &rowReader{rec: b}
	n := rr.uvarint()
	if n > uint64(len(b)) {
		return nil, nil, fmt.Errorf("table: %w", ErrDamagedRow)
	}
	strs = make([]string, 0, n)
	for range n {
		strs = append(strs, rr.inline())
	}
	n = rr.uvarint()
	if n > uint64(len(b)) {
		return nil, nil, fmt.Errorf("table: %w", ErrDamagedRow)
	}
	lists = make([][]string, 0, n)
	for range n {
		k := rr.uvarint()
		if k > uint64(len(b)) {
			return nil, nil, fmt.Errorf("table: %w", ErrDamagedRow)
		}
		l := make([]string, 0, k)
		for range k {
			l = append(l, rr.inline())
		}
		lists = append(lists, l)
	}
	if rr.err != nil || rr.off != len(b) {
		return nil, nil, fmt.Errorf("table: %w", ErrDamagedRow)
	}
	return strs, lists, nil
}
