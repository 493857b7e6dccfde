package report

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"sync"
	"unsafe"
)

// Rows keeps a report's contracts and findings in temporary files rather
// than in memory, so that the memory a scan needs does not grow with the
// size of the rosters. A scan adds contracts and findings in report order,
// amends the few contracts that cross-row checks raise, then hands Rows to
// the Report (see Report.UseRows); writers read them back in order as often
// as they need, concurrently if they like.
//
// Strings that repeat from row to row (file, sheet, supplier, rule, status,
// the shared lists of missing fields and references) are written once and
// referred to by number; the rest are written as they are.
type Rows struct {
	contracts, findings spillFile
	nc, nf              int
	sealed              bool
	err                 error

	codec
	amends map[int]Amendment
	buf    []byte

	dir string
	// mu guards ordering: the first writer to read the rows of a Report
	// sorts them into report order (see order.go); the rest wait for it.
	mu      sync.Mutex
	ordered bool
}

// codec numbers the strings and lists that repeat from row to row: the
// table a row's encoding refers to (see also RowEncoder).
type codec struct {
	strs   map[string]uint64
	strTab []string
	lists  map[listKey]uint64
	list   [][]string
}

// Amendment is what a cross-row check changed about one contract after it
// was added.
type Amendment struct {
	Status   string
	Risk     *string
	Findings int
}

type listKey struct {
	p *string
	n int
}

type spillFile struct {
	f    *os.File
	w    *bufio.Writer
	size int64
	hdr  [binary.MaxVarintLen64]byte // a record's length, as written

	// keys is a file of a key per record (see order.go), in the order
	// added, taken from the row as it is added, so that ordering reads
	// keys rather than records. A finding's rank holds its supplier's
	// string number in place of the supplier's rank, known only once every
	// row is in (see order).
	keys *os.File
	kw   *bufio.Writer
	kbuf [rowKeySize]byte
}

// NewRows creates the temporary files in dir ("" means os.TempDir()).
// Close removes them; where the system allows, they have no name in dir
// even while open, so that not even a run that is killed leaves them
// behind.
func NewRows(dir string) (*Rows, error) {
	w := &Rows{codec: codec{strs: map[string]uint64{}, lists: map[listKey]uint64{}}, amends: map[int]Amendment{}, dir: dir}
	for _, sf := range []*spillFile{&w.contracts, &w.findings} {
		if err := sf.create(dir); err != nil {
			w.Close()
			return nil, err
		}
		if err := sf.createKeys(dir); err != nil {
			w.Close()
			return nil, err
		}
	}
	return w, nil
}

func (sf *spillFile) createKeys(dir string) error {
	f, err := os.CreateTemp(dir, "laborcheck-keys-*.tmp")
	if err != nil {
		return fmt.Errorf("report rows: %w", err)
	}
	unlinkOpen(f)
	sf.keys, sf.kw = f, bufio.NewWriterSize(f, 64<<10)
	return nil
}

// dropKeys removes the file of keys, once the records are in order.
func (sf *spillFile) dropKeys() error {
	if sf.keys == nil {
		return nil
	}
	name := sf.keys.Name()
	err := sf.keys.Close()
	sf.keys, sf.kw = nil, nil
	return errors.Join(err, removeTemp(name))
}

func (sf *spillFile) create(dir string) error {
	f, err := os.CreateTemp(dir, "laborcheck-rows-*.tmp")
	if err != nil {
		return fmt.Errorf("report rows: %w", err)
	}
	unlinkOpen(f)
	sf.f, sf.w, sf.size = f, bufio.NewWriterSize(f, 256<<10), 0
	return nil
}

// Close removes the temporary files. A Report using w cannot be written
// after it.
func (w *Rows) Close() error {
	var errs []error
	for _, sf := range []*spillFile{&w.contracts, &w.findings} {
		errs = append(errs, sf.dropKeys())
		if sf.f == nil {
			continue
		}
		errs = append(errs, sf.f.Close(), removeTemp(sf.f.Name()))
		sf.f = nil
	}
	return errors.Join(errs...)
}

// Contracts and Findings count what has been added.
func (w *Rows) Contracts() int { return w.nc }
func (w *Rows) Findings() int  { return w.nf }

// AddContract appends a contract.
func (w *Rows) AddContract(c *Contract) error {
	if w.sealed {
		return errors.New("report rows: added after sealing")
	}
	w.buf = w.appendContract(w.buf[:0], c)
	w.nc++
	off := w.contracts.size + int64(uvarintLen(uint64(len(w.buf))))
	if err := w.contracts.write(w.buf); err != nil {
		return err
	}
	return w.contracts.keep(rowKey{rank: contractRank(c), file: w.id(c.File), sheet: w.id(c.Sheet), row: clampRow(c.Row),
		seq: int32(w.nc - 1), off: off, size: uint32(len(w.buf))})
}

// keep writes a record's key to the file of keys.
func (sf *spillFile) keep(k rowKey) error {
	putRowKey(sf.kbuf[:], k)
	if _, err := sf.kw.Write(sf.kbuf[:]); err != nil {
		return fmt.Errorf("report rows: %w", err)
	}
	return nil
}

// id is the number of a string of the table, one str has written.
func (w *codec) id(s string) uint32 {
	return uint32(w.strs[s])
}

// appendContract appends c's record to b.
func (w *codec) appendContract(b []byte, c *Contract) []byte {
	b = w.str(b, c.File)
	b = w.str(b, c.Sheet)
	b = binary.AppendVarint(b, int64(c.Row))
	b = inline(b, c.ContractID)
	b = inline(b, c.WorkerID)
	b = inline(b, c.WorkerName)
	b = w.str(b, c.Supplier)
	b = w.str(b, c.Status)
	b = w.optStr(b, c.Risk)
	b = binary.AppendVarint(b, int64(c.Findings))
	b = binary.AppendVarint(b, int64(c.RulesChecked))
	b = w.strList(b, c.Missing)
	b = w.strList(b, c.MissingLookups)
	return binary.AppendVarint(b, int64(c.RuleErrors))
}

// AddFinding appends a finding.
func (w *Rows) AddFinding(f *Finding) error {
	if w.sealed {
		return errors.New("report rows: added after sealing")
	}
	b, err := w.appendFinding(w.buf[:0], f)
	if err != nil {
		return err
	}
	w.buf = b
	w.nf++
	off := w.findings.size + int64(uvarintLen(uint64(len(b))))
	if err := w.findings.write(b); err != nil {
		return err
	}
	return w.findings.keep(rowKey{rank: findingRankBits(f) | uint64(w.id(f.Supplier)), file: w.id(f.File), sheet: w.id(f.Sheet),
		row: clampRow(f.Row), seq: int32(w.nf - 1), off: off, size: uint32(len(b))})
}

// appendFinding appends f's record to b.
func (w *codec) appendFinding(b []byte, f *Finding) ([]byte, error) {
	b = w.str(b, f.RuleID)
	b = w.str(b, f.Title)
	b = w.str(b, f.Indicator)
	b = w.str(b, f.Severity)
	b = inline(b, f.Message)
	b = w.str(b, f.File)
	b = w.str(b, f.Sheet)
	b = binary.AppendVarint(b, int64(f.Row))
	b = inline(b, f.ContractID)
	b = inline(b, f.WorkerID)
	b = inline(b, f.WorkerName)
	b = w.str(b, f.Supplier)
	if f.Evidence == nil {
		b = binary.AppendUvarint(b, 0)
	} else {
		b = binary.AppendUvarint(b, uint64(len(f.Evidence))+1)
		for _, k := range slices.Sorted(maps.Keys(f.Evidence)) {
			e := f.Evidence[k]
			b = w.str(b, k)
			var err error
			if b, err = appendValue(b, e.Value); err != nil {
				return b, fmt.Errorf("report rows: evidence %s: %w", k, err)
			}
			b = inline(b, e.Raw)
			b = appendBool(b, e.Derived)
			b = inline(b, e.Column)
			b = inline(b, e.Header)
			b = inline(b, e.Conversion)
			b = inline(b, e.Cell)
			b = w.str(b, e.Currency)
		}
	}
	b = w.strList(b, f.References)
	b = w.str(b, f.Remedy)
	b = w.str(b, f.Scope)
	if f.Contracts == nil {
		b = binary.AppendUvarint(b, 0)
	} else {
		b = binary.AppendUvarint(b, uint64(len(f.Contracts))+1)
		for _, r := range f.Contracts {
			b = w.str(b, r.File)
			b = w.str(b, r.Sheet)
			b = binary.AppendVarint(b, int64(r.Row))
			b = inline(b, r.ContractID)
		}
	}
	b = binary.AppendVarint(b, int64(f.ContractsTotal))
	b = appendBool(b, f.Waived)
	b = w.str(b, f.WaiverReason)
	b = w.str(b, f.WaiverApprovedBy)
	b = w.str(b, f.WaiverExpires)
	return w.str(b, f.WaiverSource), nil
}

// Amend records changes to contract i (0-based, in the order added), to be
// applied as it is read back.
func (w *Rows) Amend(i int, a Amendment) { w.amends[i] = a }

// Seal ends adding: it flushes the files for reading.
func (w *Rows) Seal() error {
	if w.sealed {
		return w.err
	}
	w.sealed = true
	for _, sf := range []*spillFile{&w.contracts, &w.findings} {
		if err := errors.Join(sf.w.Flush(), sf.kw.Flush()); err != nil {
			w.err = fmt.Errorf("report rows: %w", err)
			return w.err
		}
	}
	return nil
}

func (sf *spillFile) write(rec []byte) error {
	k := binary.PutUvarint(sf.hdr[:], uint64(len(rec)))
	if _, err := sf.w.Write(sf.hdr[:k]); err != nil {
		return fmt.Errorf("report rows: %w", err)
	}
	if _, err := sf.w.Write(rec); err != nil {
		return fmt.Errorf("report rows: %w", err)
	}
	sf.size += int64(k + len(rec))
	return nil
}

// str writes a string that repeats as a number.
func (w *codec) str(b []byte, s string) []byte {
	id, ok := w.strs[s]
	if !ok {
		if w.strs == nil {
			w.strs = map[string]uint64{}
		}
		id = uint64(len(w.strTab))
		w.strs[s] = id
		w.strTab = append(w.strTab, s)
	}
	return binary.AppendUvarint(b, id)
}

func (w *codec) optStr(b []byte, s *string) []byte {
	if s == nil {
		return binary.AppendUvarint(b, 0)
	}
	b = binary.AppendUvarint(b, 1)
	return w.str(b, *s)
}

// strList writes a list of strings that repeats (the same slice shared by
// many rows) as a number: 0 is nil, 1 empty.
func (w *codec) strList(b []byte, l []string) []byte {
	switch {
	case l == nil:
		return binary.AppendUvarint(b, 0)
	case len(l) == 0:
		return binary.AppendUvarint(b, 1)
	}
	k := listKey{unsafe.SliceData(l), len(l)}
	id, ok := w.lists[k]
	if !ok {
		if w.lists == nil {
			w.lists = map[listKey]uint64{}
		}
		id = uint64(len(w.list))
		w.lists[k] = id
		cl := slices.Clone(l)
		w.list = append(w.list, cl)
		// A list read back (it is this clone) is written as the same number.
		w.lists[listKey{unsafe.SliceData(cl), len(cl)}] = id
	}
	return binary.AppendUvarint(b, id+2)
}

func inline(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// Evidence value tags.
const (
	valNil = iota
	valString
	valFloat64
	valInt64
	valInt
	valTrue
	valFalse
)

func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, valNil), nil
	case string:
		return inline(append(b, valString), v), nil
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, valFloat64), math.Float64bits(v)), nil
	case int64:
		return binary.AppendVarint(append(b, valInt64), v), nil
	case int:
		return binary.AppendVarint(append(b, valInt), int64(v)), nil
	case bool:
		if v {
			return append(b, valTrue), nil
		}
		return append(b, valFalse), nil
	}
	return b, fmt.Errorf("unsupported value type %T", v)
}

// rowReader reads back one of the files.
type rowReader struct {
	w   *Rows
	r   *bufio.Reader
	rec []byte
	off int
	err error
	// scratch: strings written inline are views of the record, and a
	// finding's evidence map is reused, valid until the next one is read
	// (for writers that keep nothing).
	scratch  bool
	evidence map[string]Evidence // the map reused with scratch
}

func (w *Rows) reader(sf *spillFile) (*rowReader, error) {
	if w.err != nil {
		return nil, w.err
	}
	if sf.f == nil {
		return nil, errors.New("report rows: read after closing")
	}
	if !w.sealed {
		// Read while rows are still being added (by the one goroutine
		// adding them): what is buffered goes to the file first.
		if err := sf.w.Flush(); err != nil {
			return nil, fmt.Errorf("report rows: %w", err)
		}
	}
	return &rowReader{w: w, r: bufio.NewReaderSize(io.NewSectionReader(sf.f, 0, sf.size), 256<<10)}, nil
}

func (rr *rowReader) next() bool {
	n, err := binary.ReadUvarint(rr.r)
	if err != nil {
		rr.err = err
		return false
	}
	if uint64(cap(rr.rec)) < n {
		rr.rec = make([]byte, n)
	}
	rr.rec = rr.rec[:n]
	if _, err := io.ReadFull(rr.r, rr.rec); err != nil {
		rr.err = err
		return false
	}
	rr.off = 0
	return true
}

func (rr *rowReader) fail() {
	if rr.err == nil {
		rr.err = errors.New("report rows: damaged record")
	}
}

func (rr *rowReader) uvarint() uint64 {
	v, n := binary.Uvarint(rr.rec[rr.off:])
	if n <= 0 {
		rr.fail()
		rr.off = len(rr.rec)
		return 0
	}
	rr.off += n
	return v
}

func (rr *rowReader) varint() int64 {
	v, n := binary.Varint(rr.rec[rr.off:])
	if n <= 0 {
		rr.fail()
		rr.off = len(rr.rec)
		return 0
	}
	rr.off += n
	return v
}

func (rr *rowReader) str() string {
	id := rr.uvarint()
	if id >= uint64(len(rr.w.strTab)) {
		rr.fail()
		return ""
	}
	return rr.w.strTab[id]
}

// optStr reads an optional string: a pointer into the string table, not
// to be written through (a contract's risk, one of a few words, then
// costs no allocation).
func (rr *rowReader) optStr() *string {
	if rr.uvarint() == 0 {
		return nil
	}
	id := rr.uvarint()
	if id >= uint64(len(rr.w.strTab)) {
		rr.fail()
		return new("")
	}
	return &rr.w.strTab[id]
}

func (rr *rowReader) strList() []string {
	switch id := rr.uvarint(); {
	case id == 0:
		return nil
	case id == 1:
		return []string{}
	case id-2 < uint64(len(rr.w.list)):
		return rr.w.list[id-2]
	}
	rr.fail()
	return nil
}

func (rr *rowReader) inline() string {
	n := rr.uvarint()
	if n > uint64(len(rr.rec)-rr.off) {
		rr.fail()
		return ""
	}
	var s string
	if rr.scratch {
		s = unsafe.String(unsafe.SliceData(rr.rec[rr.off:]), int(n))
	} else {
		s = string(rr.rec[rr.off : rr.off+int(n)])
	}
	rr.off += int(n)
	return s
}

func (rr *rowReader) byte() byte {
	if rr.off >= len(rr.rec) {
		rr.fail()
		return 0
	}
	c := rr.rec[rr.off]
	rr.off++
	return c
}

func (rr *rowReader) value() any {
	switch rr.byte() {
	case valNil:
		return nil
	case valString:
		return rr.inline()
	case valFloat64:
		if len(rr.rec)-rr.off < 8 {
			rr.fail()
			return nil
		}
		v := math.Float64frombits(binary.LittleEndian.Uint64(rr.rec[rr.off:]))
		rr.off += 8
		return v
	case valInt64:
		return rr.varint()
	case valInt:
		return int(rr.varint())
	case valTrue:
		return true
	case valFalse:
		return false
	}
	rr.fail()
	return nil
}

func (rr *rowReader) contract(c *Contract) {
	*c = Contract{
		File:       rr.str(),
		Sheet:      rr.str(),
		Row:        int(rr.varint()),
		ContractID: rr.inline(),
		WorkerID:   rr.inline(),
		WorkerName: rr.inline(),
		Supplier:   rr.str(),
		Status:     rr.str(),
		Risk:       rr.optStr(),
		Findings:   int(rr.varint()),
	}
	c.RulesChecked = int(rr.varint())
	c.Missing = rr.strList()
	c.MissingLookups = rr.strList()
	c.RuleErrors = int(rr.varint())
}

func (rr *rowReader) finding(f *Finding) {
	*f = Finding{
		RuleID:     rr.str(),
		Title:      rr.str(),
		Indicator:  rr.str(),
		Severity:   rr.str(),
		Message:    rr.inline(),
		File:       rr.str(),
		Sheet:      rr.str(),
		Row:        int(rr.varint()),
		ContractID: rr.inline(),
		WorkerID:   rr.inline(),
		WorkerName: rr.inline(),
		Supplier:   rr.str(),
	}
	if n := rr.uvarint(); n > 0 {
		if rr.scratch && rr.evidence != nil {
			clear(rr.evidence)
			f.Evidence = rr.evidence
		} else {
			f.Evidence = make(map[string]Evidence, n-1)
			if rr.scratch {
				rr.evidence = f.Evidence
			}
		}
		for range n - 1 {
			k := rr.str()
			v := rr.value()
			f.Evidence[k] = Evidence{Value: v, Raw: rr.inline(), Derived: rr.byte() == 1, Column: rr.inline(), Header: rr.inline(), Conversion: rr.inline(), Cell: rr.inline(), Currency: rr.str()}
		}
	}
	f.References = rr.strList()
	f.Remedy = rr.str()
	f.Scope = rr.str()
	if n := rr.uvarint(); n > 0 {
		f.Contracts = make([]ContractRef, n-1)
		for i := range f.Contracts {
			f.Contracts[i] = ContractRef{File: rr.str(), Sheet: rr.str(), Row: int(rr.varint()), ContractID: rr.inline()}
		}
	}
	f.ContractsTotal = int(rr.varint())
	f.Waived = rr.byte() == 1
	f.WaiverReason = rr.str()
	f.WaiverApprovedBy = rr.str()
	f.WaiverExpires = rr.str()
	f.WaiverSource = rr.str()
}

// contractKey reads what orders a contract (status, risk, findings, row) and
// its supplier into c and returns the numbers of its file and sheet, without
// building the rest of the record.
func (rr *rowReader) contractKey(c *Contract) (file, sheet uint64) {
	file = rr.uvarint()
	sheet = rr.uvarint()
	c.Row = int(rr.varint())
	rr.skipInline() // contract
	rr.skipInline() // worker ID
	rr.skipInline() // worker name
	c.Supplier = rr.str()
	c.Status = rr.str()
	c.Risk = rr.optStr()
	c.Findings = int(rr.varint())
	return file, sheet
}

// contractHead reads a contract's location, supplier, status, risk and
// number of findings into c, skipping the rest of the record.
func (rr *rowReader) contractHead(c *Contract) {
	file, sheet := rr.contractKey(c)
	if file >= uint64(len(rr.w.strTab)) || sheet >= uint64(len(rr.w.strTab)) {
		rr.fail()
		return
	}
	c.File, c.Sheet = rr.w.strTab[file], rr.w.strTab[sheet]
}

// EachContractHead calls fn with the head of each contract, in the order
// they were added: its File, Sheet, Row, Supplier, Status, Risk and
// Findings (amendments applied), the rest left empty. It reads no more of
// each record than that. c is valid only during the call.
func (w *Rows) EachContractHead(fn func(i int, c *Contract) error) error {
	return w.readContracts(true, (*rowReader).contractHead, fn)
}

func (rr *rowReader) skipInline() {
	n := rr.uvarint()
	if n > uint64(len(rr.rec)-rr.off) {
		rr.fail()
		rr.off = len(rr.rec)
		return
	}
	rr.off += int(n)
}

// EachContract calls fn with each contract added so far, in order and
// amended; the *Contract is valid only during the call. Until Seal, only
// the goroutine adding rows may call it.
func (w *Rows) EachContract(fn func(*Contract) error) error {
	return w.eachContract(fn, false)
}

// eachContract is EachContract; with scratch, the contract's own strings
// are valid only during the call too.
func (w *Rows) eachContract(fn func(*Contract) error, scratch bool) error {
	return w.readContracts(scratch, (*rowReader).contract, func(_ int, c *Contract) error { return fn(c) })
}

// readContracts reads each contract with read, applies its amendment and
// calls fn with its index and the contract.
func (w *Rows) readContracts(scratch bool, read func(*rowReader, *Contract), fn func(int, *Contract) error) error {
	var c Contract
	return w.records(&w.contracts, w.nc, "contracts", scratch, func(rr *rowReader, i int) error {
		read(rr, &c)
		if rr.err != nil {
			return nil
		}
		if a, ok := w.amends[i]; ok {
			c.Status, c.Risk, c.Findings = a.Status, a.Risk, a.Findings
		}
		return fn(i, &c)
	})
}

func (w *Rows) eachFinding(fn func(*Finding) error, scratch bool) error {
	var f Finding
	return w.records(&w.findings, w.nf, "findings", scratch, func(rr *rowReader, _ int) error {
		rr.finding(&f)
		if rr.err != nil {
			return nil
		}
		return fn(&f)
	})
}

// records calls fn with a reader holding each of sf's n records, in file
// order, and the record's index. fn's error stops it and is returned; so
// is one reading a record (rr.err, which fn leaves set if it cannot decode
// it), as an error reading what.
func (w *Rows) records(sf *spillFile, n int, what string, scratch bool, fn func(rr *rowReader, i int) error) error {
	rr, err := w.reader(sf)
	if err != nil {
		return err
	}
	rr.scratch = scratch
	for i := range n {
		if !rr.next() {
			break
		}
		if err := fn(rr, i); err != nil {
			return err
		}
		if rr.err != nil {
			break
		}
	}
	if rr.err != nil {
		return fmt.Errorf("report rows: read %s: %w", what, rr.err)
	}
	return nil
}

// order sorts the rows into report order (see order.go), once: each file
// is rewritten in that order, with the amendments applied, so that the
// writers read it straight through. The keys, written as the rows were
// added, are read back and sorted; only a key per row is held in memory,
// and no more than sortRun of them (see sortFile).
func (w *Rows) order(k *ranker) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil || w.ordered || !w.sealed {
		return w.err
	}
	w.ordered = true
	// The two files are sorted side by side. Both read the string table;
	// the amendments' strings go into it first, so that rewriting an
	// amended contract adds nothing to it while the findings are sorted.
	for _, a := range w.amends {
		w.str(nil, a.Status)
		w.optStr(nil, a.Risk)
	}
	tab := w.strTab
	var cerr, ferr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var c Contract
		cerr = w.sortFile(&w.contracts, w.nc, func(key *rowKey) error {
			if a, ok := w.amends[int(key.seq)]; ok {
				key.rank = contractRank(&Contract{Status: a.Status, Risk: a.Risk, Findings: a.Findings})
			}
			return nil
		}, func(rec []byte, i int) []byte {
			a, ok := w.amends[i]
			if !ok {
				return rec
			}
			rr := &rowReader{w: w, rec: rec}
			rr.contract(&c)
			c.Status, c.Risk, c.Findings = a.Status, a.Risk, a.Findings
			return w.appendContract(nil, &c)
		})
	}()
	// A finding's supplier's rank in place of its string number.
	ranks := map[uint32]uint64{}
	ferr = w.sortFile(&w.findings, w.nf, func(key *rowKey) error {
		id := uint32(key.rank & supplierBits)
		r, ok := ranks[id]
		if !ok {
			if int(id) >= len(tab) {
				return errors.New("damaged key")
			}
			r = k.supplierRank(tab[id])
			ranks[id] = r
		}
		key.rank = key.rank&^supplierBits | r
		return nil
	}, nil)
	wg.Wait()
	clear(w.amends)
	if err := errors.Join(cerr, ferr); err != nil {
		w.err = fmt.Errorf("report rows: order: %w", err)
	}
	return w.err
}

// sortRun is how many keys sortFile sorts in memory at once (a variable
// for tests): 512Ki keys, 20 MB. A longer file's keys are sorted in runs
// of that many, which wait in temporary files and are merged, so that
// ordering a report of ten million contracts holds no more keys than one
// of half a million.
var sortRun = 1 << 19

// sortFile rewrites sf's n records in the order of their keys, read from
// its file of keys and set right by adjust; fix, when set, may change a
// record (by its index in the old order) as it is copied.
func (w *Rows) sortFile(sf *spillFile, n int, adjust func(*rowKey) error, fix func(rec []byte, i int) []byte) (err error) {
	defer func() { err = errors.Join(err, sf.dropKeys()) }()
	if n < 2 && fix == nil {
		return nil
	}
	compare := compareKeys(w.strTab)
	var runs keyRuns
	defer runs.close()
	keys, err := w.readKeys(sf, n, adjust, compare, &runs)
	if err != nil {
		return err
	}
	sortKeys(keys, compare)
	var out spillFile
	if err := out.create(w.dir); err != nil {
		return err
	}
	g := gather{f: sf.f, emit: func(rec []byte, seq int32) error {
		if fix != nil {
			rec = fix(rec, int(seq))
		}
		return out.write(rec)
	}}
	if len(runs.files) == 0 {
		for _, k := range keys {
			if err = g.add(k); err != nil {
				break
			}
		}
	} else {
		err = runs.merge(keys, compare, g.add)
	}
	if err == nil {
		err = g.flush()
	}
	if err == nil {
		err = out.w.Flush()
	}
	if err != nil {
		out.f.Close()
		return err
	}
	old := sf.f
	sf.f, sf.w, sf.size = out.f, out.w, out.size
	old.Close()
	return removeTemp(old.Name())
}

// readKeys reads the keys of sf's n records from its file of keys,
// adjusted, sorting them in runs of sortRun into runs; it returns the last
// run's keys, unsorted.
func (w *Rows) readKeys(sf *spillFile, n int, adjust func(*rowKey) error, compare func(a, b rowKey) int, runs *keyRuns) ([]rowKey, error) {
	if sf.keys == nil {
		return nil, errors.New("keys missing")
	}
	if err := sf.kw.Flush(); err != nil {
		return nil, err
	}
	r := bufio.NewReaderSize(io.NewSectionReader(sf.keys, 0, int64(n)*rowKeySize), 64<<10)
	keys := make([]rowKey, 0, min(n, sortRun))
	var b [rowKeySize]byte
	for i := range n {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("keys: %w", err)
		}
		k := getRowKey(b[:])
		if int(k.seq) != i || int(k.file) >= len(w.strTab) || int(k.sheet) >= len(w.strTab) ||
			k.off < 0 || k.off+int64(k.size) > sf.size {
			return nil, errors.New("damaged key")
		}
		keys = append(keys, k)
		if err := adjust(&keys[len(keys)-1]); err != nil {
			return nil, err
		}
		if len(keys) == sortRun && i+1 < n {
			sortKeys(keys, compare)
			if err := runs.add(w.dir, keys); err != nil {
				return nil, err
			}
			keys = keys[:0]
		}
	}
	return keys, nil
}

// sortKeys sorts keys as compare orders them. Rows are of few ranks, and
// the keys of one rank are mostly in order already as they come, a roster
// being read row after row: when it holds no more than keys of the
// sortRun sortFile may hold, the keys are first put in order of rank
// (counted, keeping their order within a rank), and then only the keys of
// a rank that are not in order are sorted. compare is a total order, so
// the result is the one sorting them at once gives.
func sortKeys(keys []rowKey, compare func(a, b rowKey) int) {
	if len(keys) < 64 || len(keys) > sortRun/2 {
		slices.SortFunc(keys, compare)
		return
	}
	count := map[uint64]int{}
	for i := range keys {
		count[keys[i].rank]++
	}
	if len(count) > len(keys)/16 {
		slices.SortFunc(keys, compare)
		return
	}
	at := make(map[uint64]int, len(count))
	n := 0
	for _, r := range slices.Sorted(maps.Keys(count)) {
		at[r] = n
		n += count[r]
	}
	out := make([]rowKey, len(keys))
	for _, k := range keys {
		i := at[k.rank]
		out[i] = k
		at[k.rank] = i + 1
	}
	copy(keys, out)
	for lo := 0; lo < len(keys); {
		hi := lo + count[keys[lo].rank]
		if rank := keys[lo:hi]; !slices.IsSortedFunc(rank, compare) {
			slices.SortFunc(rank, compare)
		}
		lo = hi
	}
}

// keyRuns are sorted runs of row keys in temporary files.
type keyRuns struct {
	files []*os.File
}

// rowKeySize is a row key's size in a run file.
const rowKeySize = 8 + 4 + 4 + 4 + 4 + 8 + 4

func putRowKey(b []byte, k rowKey) {
	binary.LittleEndian.PutUint64(b[0:], k.rank)
	binary.LittleEndian.PutUint32(b[8:], k.file)
	binary.LittleEndian.PutUint32(b[12:], k.sheet)
	binary.LittleEndian.PutUint32(b[16:], uint32(k.row))
	binary.LittleEndian.PutUint32(b[20:], uint32(k.seq))
	binary.LittleEndian.PutUint64(b[24:], uint64(k.off))
	binary.LittleEndian.PutUint32(b[32:], k.size)
}

func getRowKey(b []byte) rowKey {
	return rowKey{
		rank: binary.LittleEndian.Uint64(b[0:]), file: binary.LittleEndian.Uint32(b[8:]), sheet: binary.LittleEndian.Uint32(b[12:]),
		row: int32(binary.LittleEndian.Uint32(b[16:])), seq: int32(binary.LittleEndian.Uint32(b[20:])),
		off: int64(binary.LittleEndian.Uint64(b[24:])), size: binary.LittleEndian.Uint32(b[32:]),
	}
}

// add writes sorted keys as a run.
func (kr *keyRuns) add(dir string, keys []rowKey) error {
	f, err := os.CreateTemp(dir, "laborcheck-sort-*.tmp")
	if err != nil {
		return err
	}
	unlinkOpen(f)
	kr.files = append(kr.files, f)
	bw := bufio.NewWriterSize(f, 64<<10)
	var b [rowKeySize]byte
	for _, k := range keys {
		putRowKey(b[:], k)
		if _, err := bw.Write(b[:]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// merge calls fn with the keys of the runs and of last (sorted, in
// memory) in the order compare gives them. compare is a total order (seq
// breaks ties), so the result is the one sorting every key at once gives.
func (kr *keyRuns) merge(last []rowKey, compare func(a, b rowKey) int, fn func(rowKey) error) error {
	type head struct {
		k   rowKey
		src int // a run's index, or len(kr.files) for last
	}
	readers := make([]*bufio.Reader, len(kr.files))
	for i, f := range kr.files {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		readers[i] = bufio.NewReaderSize(f, 32<<10)
	}
	var b [rowKeySize]byte
	next := func(src int) (rowKey, bool, error) {
		if src == len(readers) {
			if len(last) == 0 {
				return rowKey{}, false, nil
			}
			k := last[0]
			last = last[1:]
			return k, true, nil
		}
		if _, err := io.ReadFull(readers[src], b[:]); err != nil {
			if err == io.EOF {
				return rowKey{}, false, nil
			}
			return rowKey{}, false, err
		}
		return getRowKey(b[:]), true, nil
	}
	// A binary heap of the runs' next keys.
	var h []head
	less := func(i, j int) bool { return compare(h[i].k, h[j].k) < 0 }
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && less(r, l) {
				m = r
			}
			if !less(m, i) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for src := 0; src <= len(readers); src++ {
		k, ok, err := next(src)
		if err != nil {
			return err
		}
		if ok {
			h = append(h, head{k, src})
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for len(h) > 0 {
		if err := fn(h[0].k); err != nil {
			return err
		}
		k, ok, err := next(h[0].src)
		if err != nil {
			return err
		}
		if ok {
			h[0].k = k
		} else {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	return nil
}

func (kr *keyRuns) close() {
	for _, f := range kr.files {
		name := f.Name()
		f.Close()
		removeTemp(name)
	}
	kr.files = nil
}

// gather copies records in the order of their keys, reading them in the
// order they lie in the file. The keys come in batches (gatherKeys, or
// gatherBytes of records); a batch's records are read by offset, records
// near each other in one read (gatherGap, up to gatherSpan), into an arena,
// and then handed to emit in the keys' order. Records in report order lie
// scattered over the file (a review's findings most of all, by severity
// and supplier): read one at a time, they took a system call each.
type gather struct {
	f     *os.File // its keys checked against its length (readKeys)
	emit  func(rec []byte, seq int32) error
	keys  []rowKey
	bytes int
	order []int32 // the batch's indices by record offset
	at    []int   // where each record of the batch starts in arena
	arena []byte
	span  []byte
}

const (
	gatherKeys  = 8192
	gatherBytes = 1 << 20
	gatherGap   = 32 << 10
	gatherSpan  = 256 << 10
)

// add takes the next key in order.
func (g *gather) add(k rowKey) error {
	g.keys = append(g.keys, k)
	g.bytes += int(k.size)
	if len(g.keys) >= gatherKeys || g.bytes >= gatherBytes {
		return g.flush()
	}
	return nil
}

// flush reads and emits the batch.
func (g *gather) flush() error {
	if len(g.keys) == 0 {
		return nil
	}
	g.order = g.order[:0]
	for i := range g.keys {
		g.order = append(g.order, int32(i))
	}
	slices.SortFunc(g.order, func(a, b int32) int { return cmp.Compare(g.keys[a].off, g.keys[b].off) })
	g.at = slices.Grow(g.at[:0], len(g.keys))[:len(g.keys)]
	g.arena = g.arena[:0]
	for lo := 0; lo < len(g.order); {
		// The records from lo up to hi are read at once, from the first's
		// start to the last's end.
		first := g.keys[g.order[lo]]
		from, to := first.off, first.off+int64(first.size)
		hi := lo + 1
		for ; hi < len(g.order); hi++ {
			k := g.keys[g.order[hi]]
			end := max(to, k.off+int64(k.size))
			if k.off-to > gatherGap || end-from > gatherSpan {
				break
			}
			to = end
		}
		g.span = slices.Grow(g.span[:0], int(to-from))[:to-from]
		if _, err := g.f.ReadAt(g.span, from); err != nil {
			return err
		}
		for _, i := range g.order[lo:hi] {
			k := g.keys[i]
			g.at[i] = len(g.arena)
			g.arena = append(g.arena, g.span[k.off-from:k.off-from+int64(k.size)]...)
		}
		lo = hi
	}
	for i, k := range g.keys {
		if err := g.emit(g.arena[g.at[i]:g.at[i]+int(k.size)], k.seq); err != nil {
			return err
		}
	}
	g.keys, g.bytes = g.keys[:0], 0
	return nil
}

func uvarintLen(v uint64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], v)
}

// UseRows makes r hold its contracts and findings in w (sealing it): the
// Contracts and Findings fields are then left empty and the writers read
// w. The caller closes w once the report has been written.
func (r *Report) UseRows(w *Rows) error {
	if err := w.Seal(); err != nil {
		return err
	}
	r.rows = w
	r.Contracts, r.Findings = nil, nil
	return nil
}

// NumContracts is the number of contracts in the report.
func (r *Report) NumContracts() int {
	if r.rows != nil {
		return r.rows.nc
	}
	return len(r.Contracts)
}

// NumFindings is the number of findings in the report.
func (r *Report) NumFindings() int {
	if r.rows != nil {
		return r.rows.nf
	}
	return len(r.Findings)
}

// EachContract calls fn with each contract in report order (highest risk
// first; see order.go); the *Contract
// is valid only during the call. An error from fn stops it and is returned.
func (r *Report) EachContract(fn func(*Contract) error) error {
	return r.eachContract(fn, false)
}

// eachContract is EachContract; with scratch, the strings of a contract
// read back from Rows are valid only during the call too (for writers that
// keep nothing).
func (r *Report) eachContract(fn func(*Contract) error, scratch bool) error {
	fn = stopWith(r.ctx, fn)
	if r.rows != nil {
		if err := r.rows.order(newRanker(r)); err != nil {
			return err
		}
		return r.rows.eachContract(fn, scratch)
	}
	for _, i := range contractOrder(r) {
		if err := fn(&r.Contracts[i]); err != nil {
			return err
		}
	}
	return nil
}

// EachFinding calls fn with each finding in report order (highest risk
// first; see order.go); the *Finding is
// valid only during the call. An error from fn stops it and is returned.
func (r *Report) EachFinding(fn func(*Finding) error) error {
	return r.eachFinding(fn, false)
}

// eachFinding is EachFinding; with scratch, as eachContract.
func (r *Report) eachFinding(fn func(*Finding) error, scratch bool) error {
	fn = stopWith(r.ctx, fn)
	if r.rows != nil {
		if err := r.rows.order(newRanker(r)); err != nil {
			return err
		}
		return r.rows.eachFinding(fn, scratch)
	}
	for _, i := range findingOrder(r) {
		if err := fn(&r.Findings[i]); err != nil {
			return err
		}
	}
	return nil
}

// stopWith makes fn fail with ctx's error once ctx is cancelled, checking
// every few hundred rows; with a nil ctx it is fn.
func stopWith[T any](ctx context.Context, fn func(*T) error) func(*T) error {
	if ctx == nil {
		return fn
	}
	n := 0
	return func(v *T) error {
		if n++; n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return fn(v)
	}
}

// materialized returns r with its contracts and findings in memory, for
// the writers that need them all at once (HTML).
func (r *Report) materialized() (*Report, error) {
	if r.rows == nil {
		return r, nil
	}
	n := *r
	n.rows = nil
	n.Contracts = make([]Contract, 0, r.rows.nc)
	n.Findings = make([]Finding, 0, r.rows.nf)
	if err := r.EachContract(func(c *Contract) error {
		n.Contracts = append(n.Contracts, *c)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := r.EachFinding(func(f *Finding) error {
		n.Findings = append(n.Findings, *f)
		return nil
	}); err != nil {
		return nil, err
	}
	return &n, nil
}

// Close releases what the report holds outside memory (see UseRows); the
// report cannot be written after it. It does nothing for a report held in
// memory.
func (r *Report) Close() error {
	if r.rows == nil {
		return nil
	}
	return r.rows.Close()
}
