package source

import (
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/xlsx"
)

// parseMemo remembers how one column's cells were read (or, through Memos,
// the cells of one field's columns in every file of a run). Many columns
// repeat a few texts (countries, yes/no, enums, hours, wages), and
// contract.Field.ParseInto is a pure function of the field, the text and
// the hints: a text read once need not be read again.
//
// The table is two-way set-associative by a hash of the text: a text's two
// slots hold the last two entries stored there. Entries are immutable once
// published, so rows filled on several goroutines share the table without
// locks. A column whose texts are mostly distinct (ids, names, free text)
// stops using the table after memoProbe lookups, where it would only cost,
// and lets it go. The table is made at the column's first lookup, so a
// small roster does not pay for it.
type parseMemo struct {
	table   atomic.Pointer[memoTable] // nil before the first lookup and once off
	seed    maphash.Seed
	state   atomic.Uint32 // memoProbing, memoOn or memoOff
	lookups atomic.Int32  // while probing
	hits    atomic.Int32
}

type memoTable [memoSlots]atomic.Pointer[memoEntry]

// memoEntry is one text's reading: the value without its Raw, or the
// problem a data issue reports.
type memoEntry struct {
	m       *parseMemo // the memo that read it
	next    *memoEntry // in sharedMemo: the reading of another column stored before it
	in      string
	h       contract.Hints
	v       contract.Value
	problem string
	bad     bool
}

const (
	memoSlots   = 4096
	memoMaxText = 64 // longer texts are read every time
)

// memoProbe is how many lookups of a column come before judging its hit
// rate (a variable for tests, which shorten it).
var memoProbe int32 = 4096

const (
	memoProbing = iota
	memoOn
	memoOff
)

// noParseMemo turns the memo off, for tests that compare with and without.
var noParseMemo bool

func newParseMemo() *parseMemo {
	if noParseMemo {
		return nil
	}
	return &parseMemo{seed: maphash.MakeSeed()}
}

// Memos holds the parse memos of every file a run reads, one per field of
// a schema (see [Options].Memos). A batch of rosters repeats the texts of
// one roster (its countries, employers, yes/no answers), and a reading is
// a pure function of the field, the text and the hints, which an entry
// keeps with it: the second file's "Nationality" column finds the first
// file's readings, where a memo of its own would start empty and probe
// again.
//
// Whether a field keeps its memo on is decided once for the run, by the
// first memoProbe lookups of the field's columns, whichever files they are
// in: a field whose texts are mostly distinct in one roster (ids, names,
// dates of birth) is so in the next, and a column that reads otherwise
// only reads every cell, as it would without a memo. Columns of one field
// that differ in their hints (a header's currency, a file's date order or
// date system) share the memo: the hints are part of an entry's key. The
// user's cell wordings (Options.ValueMap) are applied before the memo is
// asked, so they may differ from file to file as well.
//
// A Memos is safe for concurrent use: files read at once, and rows filled
// on several goroutines, share its entries without locks.
type Memos struct {
	schema *contract.Schema
	fields []atomic.Pointer[parseMemo] // by field index, made at the field's first column
}

// NewMemos returns empty parse memos for the fields of schema.
func NewMemos(schema *contract.Schema) *Memos {
	return &Memos{schema: schema, fields: make([]atomic.Pointer[parseMemo], schema.Len())}
}

// field returns f's memo, made at the first call; nil when ms is nil or
// was made for another schema than f's, or the memo is turned off.
func (ms *Memos) field(schema *contract.Schema, f *contract.Field) *parseMemo {
	if ms == nil || noParseMemo || schema != ms.schema || f.Index < 0 || f.Index >= len(ms.fields) || schema.Field(f.Name) != f {
		return nil
	}
	p := &ms.fields[f.Index]
	if m := p.Load(); m != nil {
		return m
	}
	m := newParseMemo()
	if !p.CompareAndSwap(nil, m) {
		return p.Load()
	}
	return m
}

// columnMemo returns the parse memo for a column of field f: the run's,
// when opts has one for its schema, else one of the column's own.
func columnMemo(opts *Options, f *contract.Field) *parseMemo {
	if m := opts.Memos.field(opts.Schema, f); m != nil {
		return m
	}
	return newParseMemo()
}

// parse reads in with hints h as f's value into *v, as f.ParseInto does,
// and returns the problem with the cell, or "" and false. v.Raw is left for
// the caller to set.
func (m *parseMemo) parse(f *contract.Field, v *contract.Value, in string, h contract.Hints) (problem string, bad bool) {
	if e := m.read(f, v, in, h); e != nil {
		return e.problem, e.bad
	}
	return parseCell(f, v, in, h)
}

// read is parse through the table: it returns in's entry, *v set to its
// value (Raw left), or nil, with *v untouched, where the memo does not
// take in.
func (m *parseMemo) read(f *contract.Field, v *contract.Value, in string, h contract.Hints) *memoEntry {
	if m == nil || len(in) == 0 || len(in) > memoMaxText {
		return nil
	}
	state := m.state.Load()
	if state == memoOff {
		return nil
	}
	t := m.table.Load()
	if t == nil {
		if t = m.newTable(); t == nil {
			return nil
		}
	}
	// Two slots per text, so that two texts whose hashes meet both stay.
	i := maphash.String(m.seed, in) & (memoSlots - 2)
	s0, s1 := &t[i], &t[i+1]
	e0 := s0.Load()
	e := e0
	if e == nil || e.in != in || e.h != h {
		if e = s1.Load(); e != nil && (e.in != in || e.h != h) {
			e = nil
		}
	}
	if e != nil {
		if state == memoProbing {
			m.hits.Add(1)
			m.count()
		}
		*v = e.v
		return e
	}
	problem, bad := parseCell(f, v, in, h)
	e = &memoEntry{m: m, in: in, h: h, v: *v, problem: problem, bad: bad}
	e.v.Raw = ""
	if e0 != nil {
		s1.Store(e0) // the older of the two goes
	}
	s0.Store(e)
	if state == memoProbing {
		m.count()
	}
	return e
}

// parseShared is parse for a workbook's cell whose text has a key (see
// cellMeta.key; 0 for none): once the column's probe has kept its memo on,
// the reading is looked up by the key in s, a load or two where the table
// by text hashes the text and compares it.
func (m *parseMemo) parseShared(f *contract.Field, v *contract.Value, in string, h contract.Hints, s *sharedMemo, key int32) (problem string, bad bool) {
	if key == 0 || s == nil || m == nil || m.state.Load() != memoOn {
		return m.parse(f, v, in, h)
	}
	slot := s.slot(key)
	if slot == nil {
		return m.parse(f, v, in, h)
	}
	first := slot.Load()
	n := 0
	for e := first; e != nil; e = e.next {
		// The text is compared all the same, so that the key is only
		// ever a way to the entry, never a reading of its own: a cell
		// whose text is the entry's (the same string) compares at once.
		if e.m == m && e.h == h && e.in == in {
			*v = e.v
			return e.problem, e.bad
		}
		n++
	}
	e := m.read(f, v, in, h)
	if e == nil {
		return parseCell(f, v, in, h)
	}
	if first != nil && n < sharedChain || unsafe.StringData(e.in) != unsafe.StringData(in) {
		// The entry is the memo's, without a next: a copy is linked in
		// front of the readings of the other columns. It holds the
		// workbook's own text, where the memo's may be another file's:
		// the cells that find it compare their text at once, the same
		// string, rather than byte by byte.
		c := *e
		c.in, c.next = in, nil
		if n < sharedChain {
			c.next = first
		}
		e = &c
	} // else a first reading, or columns that share the text take turns
	slot.Store(e)
	return e.problem, e.bad
}

// sharedMemo holds the readings of a workbook's texts by their keys, for
// the parse memos of the columns that keep theirs (a text read in several
// columns, "Yes" or a country, has an entry for each): a shared string's
// by its index in the workbook's shared strings table, another text by
// the slot of the sheet producer's strTable that holds it. Its tables are
// made when a column first looks a text up by key, that is once a column
// has shown that it repeats its texts: the shared strings' has a slot per
// string, no bigger than twice the workbook's own index of its strings.
// Its entries are the memo's (linked through next), immutable once
// published, so rows filled on several goroutines share them without
// locks.
type sharedMemo struct {
	x    *xlsx.Workbook
	once sync.Once
	tab  []atomic.Pointer[memoEntry] // by shared string
	strs []atomic.Pointer[memoEntry] // by strTable slot
}

// sharedChain is the most readings a text keeps: when more columns read
// it, the chain starts again.
const sharedChain = 4

// slot returns the slot of a key, or nil when there is none.
func (s *sharedMemo) slot(key int32) *atomic.Pointer[memoEntry] {
	s.init()
	if key > 0 {
		if int(key) > len(s.tab) {
			return nil
		}
		return &s.tab[key-1]
	}
	if i := -int(key) - 1; i < len(s.strs) {
		return &s.strs[i]
	}
	return nil
}

// slots returns the table by shared string (for tests).
func (s *sharedMemo) slots() []atomic.Pointer[memoEntry] {
	s.init()
	return s.tab
}

// init makes the tables at the first call.
func (s *sharedMemo) init() {
	s.once.Do(func() {
		s.strs = make([]atomic.Pointer[memoEntry], strSlots)
		if s.x == nil {
			return
		}
		// A cell that names a shared string has had the table read: this
		// only asks how many strings it has.
		if n, err := s.x.SharedStrings(context.Background()); err == nil && n > 0 {
			s.tab = make([]atomic.Pointer[memoEntry], n)
		}
	})
}

// count ends the probe after memoProbe lookups: the memo stays on where at
// least a quarter of them found their text.
func (m *parseMemo) count() {
	n := m.lookups.Add(1)
	if n != memoProbe {
		return
	}
	if m.hits.Load()*4 >= memoProbe {
		m.state.Store(memoOn)
		return
	}
	m.state.Store(memoOff)
	m.table.Store(nil) // nothing reads it again: let it go
}

// newTable makes the column's table at its first lookup, or returns the one
// another goroutine made first; nil when the memo is off.
func (m *parseMemo) newTable() *memoTable {
	t := new(memoTable)
	if !m.table.CompareAndSwap(nil, t) {
		return m.table.Load()
	}
	if m.state.Load() == memoOff {
		// Turned off since this goroutine looked: do not keep the table.
		m.table.CompareAndSwap(t, nil)
		return nil
	}
	return t
}

func parseCell(f *contract.Field, v *contract.Value, in string, h contract.Hints) (string, bool) {
	if err := f.ParseInto(v, in, h); err != nil {
		return err.Error(), true
	}
	return "", false
}
