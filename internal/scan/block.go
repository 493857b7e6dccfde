package scan

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/crossrow"
	"github.com/laborcheck/laborcheck/internal/engine"
	"github.com/laborcheck/laborcheck/internal/report"
	"github.com/laborcheck/laborcheck/internal/rules"
)

// A fileBlock is everything the reports and the cross-row checks need of
// one input file, evaluated: the file's report.Input and, per contract, its
// report row, findings, rule errors, data issues, coverage and cross-row
// record, encoded with the report's own row encoding. A scan reads files
// into blocks side by side and replays the blocks in input order; a shard
// writes its blocks to a partial result, and a merge replays them from
// there. Both replay through the same code, so that a merge's reports are
// those of one scan.
type fileBlock struct {
	file      int // index in the input list
	input     report.Input
	contracts int
	enc       *report.RowEncoder
	dec       *report.RowDecoder
	covers    []*engine.Coverage
	coverIdx  map[*engine.Coverage]int
	recs      recordBuf
	buf       []byte
	// key, when set, hashes passport and bank numbers (HMAC-SHA-256): a
	// block bound for a partial never holds them in clear.
	key []byte
	mac hash.Hash
	sum []byte
	// scratch is reused by add and addLive, which run on one goroutine
	// at a time; liveBuf by addLive.
	scratch convertScratch
	liveBuf decoded

	// mu guards live and the records. Once live is set (by follow), the
	// file's contracts go to it as they are evaluated rather than into
	// the records.
	mu   sync.Mutex
	live func(*decoded) error
	// converted counts the contracts with an amount converted into
	// another currency (guarded by mu).
	converted int
	// hold, when above 0, is how many contracts the block takes before it
	// is followed; past it, waitTurn waits for follow (see holdAfter).
	// turn is signalled by follow and by release.
	hold     int
	turn     *sync.Cond
	released bool
}

func newBlock(file int, spillDir string, spill bool, key []byte) *fileBlock {
	return &fileBlock{file: file, enc: report.NewRowEncoder(), coverIdx: map[*engine.Coverage]int{},
		recs: recordBuf{dir: spillDir, spill: spill}, key: key}
}

// convertResult turns one engine result into its report contract, findings
// (waivers applied, not yet counted) and rule errors. The findings and
// their evidence maps are scratch's, reused from call to call: they are
// valid until the next call.
func convertResult(r *engine.Result, waivers *rules.Matcher, scratch *convertScratch) (report.Contract, []report.Finding, []report.RuleError) {
	c := report.Contract{
		File: r.File, Sheet: r.Sheet, Row: r.Row, ContractID: r.ContractID, WorkerID: r.WorkerID,
		WorkerName: r.WorkerName, Supplier: r.Supplier, Status: r.Status.String(), Findings: len(r.Findings),
		RulesChecked: r.RulesChecked, Missing: r.Missing, MissingLookups: r.Lookups, RuleErrors: len(r.Errors),
	}
	if r.Risk != contract.SeverityNone {
		if r.Risk >= 0 && int(r.Risk) < len(riskNames) {
			c.Risk = &riskNames[r.Risk] // read, never written, by the encoder
		} else {
			s := r.Risk.String()
			c.Risk = &s
		}
	}
	fs := scratch.fs[:0]
	for i, f := range r.Findings {
		var ev map[string]report.Evidence
		if i < len(scratch.evs) {
			ev = scratch.evs[i]
			clear(ev)
		} else {
			ev = make(map[string]report.Evidence, len(f.Evidence))
			scratch.evs = append(scratch.evs, ev)
		}
		for _, e := range f.Evidence {
			ev[e.Field] = report.Evidence{Value: e.Value, Raw: e.Raw, Derived: e.Derived, Column: e.Column, Header: e.Header, Conversion: e.Conversion,
				Cell: report.CellRef(e.Column, r.Row), Currency: e.Currency}
		}
		indicator := f.Rule.Indicator
		if f.Indicator != "" {
			indicator = f.Indicator // a combination takes its gravest part's
		}
		rf := report.Finding{
			RuleID: f.Rule.ID, Title: f.Rule.Title, Indicator: indicator, Severity: f.Severity.String(),
			Message: f.Message, File: r.File, Sheet: r.Sheet, Row: r.Row, ContractID: r.ContractID,
			WorkerID: r.WorkerID, WorkerName: r.WorkerName, Supplier: r.Supplier, Evidence: ev,
			References: f.Rule.References, Remedy: f.Rule.Remedy,
		}
		applyWaiver(waivers, &rf)
		fs = append(fs, rf)
	}
	scratch.fs = fs
	var errs []report.RuleError
	for _, e := range r.Errors {
		errs = append(errs, report.RuleError{
			RuleID: e.Rule.ID, File: r.File, Sheet: r.Sheet, Row: r.Row, ContractID: r.ContractID, Error: e.Err.Error(),
		})
	}
	return c, fs, errs
}

// convertScratch is what convertResult reuses from one contract to the
// next.
type convertScratch struct {
	fs  []report.Finding
	evs []map[string]report.Evidence
}

// riskNames are the severities' names, for report contracts to point to.
var riskNames = func() (names [8]string) {
	for i := range names {
		names[i] = contract.Severity(i).String()
	}
	return names
}()

// holdAfter has the block take at most n contracts before it is followed.
//
// A scan reads the next files while the one at the head of the input
// order is read, so that their opening, shared strings and header finding
// overlap its reading and the cores never wait at a change of file. Taken
// further, reading ahead gains nothing, as the head file's own reading
// keeps the cores busy, and costs: every contract taken before its block
// is followed is encoded, then decoded when it is replayed.
func (blk *fileBlock) holdAfter(n int) {
	blk.hold = n
	blk.turn = sync.NewCond(&blk.mu)
}

// waitTurn waits, with mu held, while the block holds as many contracts as
// holdAfter allows and is not yet followed. It returns ctx's error when
// the run was cancelled meanwhile.
func (blk *fileBlock) waitTurn(ctx context.Context) error {
	for blk.hold > 0 && blk.live == nil && blk.contracts >= blk.hold && !blk.released {
		blk.turn.Wait()
	}
	if blk.released {
		return ctx.Err()
	}
	return nil
}

// release ends waitTurn's waiting for good: the run was cancelled.
func (blk *fileBlock) release() {
	blk.mu.Lock()
	defer blk.mu.Unlock()
	blk.released = true
	if blk.turn != nil {
		blk.turn.Broadcast()
	}
}

// follow replays, with live, the contracts the block holds so far, and has
// the rest go to live as they come (see addLive).
func (blk *fileBlock) follow(live func(*decoded) error) error {
	blk.mu.Lock()
	defer blk.mu.Unlock()
	if blk.contracts > 0 {
		rd, err := blk.recs.reader()
		if err != nil {
			return err
		}
		if err := blk.each(rd, live); err != nil {
			return err
		}
		blk.recs.close()
		blk.recs = recordBuf{dir: blk.recs.dir, spill: blk.recs.spill}
	}
	blk.live = live
	if blk.turn != nil {
		blk.turn.Broadcast()
	}
	return nil
}

// addLive hands one evaluated contract to live as each would decode it.
// live keeps nothing of what it is handed, as each reuses one decoded for
// every record: the decoded, the findings and their evidence are the
// block's, reused from contract to contract.
func (blk *fileBlock) addLive(r *engine.Result, rr readRow, waivers *rules.Matcher) error {
	c, fs, errs := convertResult(r, waivers, &blk.scratch)
	d := &blk.liveBuf
	*d = decoded{contract: c, findings: fs, errs: errs, issues: rr.issues, cover: r.Coverage, status: r.Status, risk: r.Risk, record: rr.record}
	blk.contracts++
	return blk.live(d)
}

// add encodes one evaluated contract.
func (blk *fileBlock) add(r *engine.Result, rr readRow, waivers *rules.Matcher) error {
	c, fs, errs := convertResult(r, waivers, &blk.scratch)
	return blk.addConverted(&c, fs, errs, rr, r.Coverage, r.Status, r.Risk)
}

// addConverted encodes one contract as the report has it.
func (blk *fileBlock) addConverted(c *report.Contract, fs []report.Finding, errs []report.RuleError, rr readRow,
	cover *engine.Coverage, status engine.Status, risk contract.Severity) error {
	e := blk.enc
	b := e.AppendContract(blk.buf[:0], c)
	b = binary.AppendUvarint(b, uint64(len(fs)))
	for i := range fs {
		var err error
		if b, err = e.AppendFinding(b, &fs[i]); err != nil {
			return err
		}
	}
	b = binary.AppendUvarint(b, uint64(len(errs)))
	for _, re := range errs {
		b = e.AppendString(b, re.RuleID)
		b = appendInline(b, re.Error)
	}
	b = binary.AppendUvarint(b, uint64(len(rr.issues)))
	for _, d := range rr.issues {
		b = e.AppendString(b, d.File)
		b = e.AppendString(b, d.Sheet)
		b = binary.AppendVarint(b, int64(d.Row))
		b = e.AppendString(b, d.Column)
		b = e.AppendString(b, d.Field)
		b = appendInline(b, d.Value)
		b = e.AppendString(b, d.Problem)
	}
	cv := 0
	if cover != nil {
		i, ok := blk.coverIdx[cover]
		if !ok {
			i = len(blk.covers)
			blk.coverIdx[cover] = i
			blk.covers = append(blk.covers, cover)
		}
		cv = i + 1
	}
	b = binary.AppendUvarint(b, uint64(cv))
	b = append(b, byte(status), byte(risk))
	rec := rr.record
	b = e.AppendString(b, rec.File)
	b = e.AppendString(b, rec.Sheet)
	b = binary.AppendVarint(b, int64(rec.Row))
	b = appendInline(b, rec.ContractID)
	b = e.AppendString(b, rec.Group)
	b = e.AppendString(b, rec.Supplier)
	b = e.AppendString(b, rec.Employer)
	b = appendInline(b, rec.Worker)
	b = blk.appendNumber(b, rec.Passport, rec.PassportMask)
	b = blk.appendNumber(b, rec.BankAccount, rec.BankAccountMask)
	b = append(b, byte(rec.Fees))
	b = appendInline(b, rec.Name)
	b = binary.AppendVarint(b, rec.Start)
	b = binary.AppendVarint(b, rec.End)
	b = binary.AppendVarint(b, rec.Birth)
	b = e.AppendString(b, rec.Agency)
	b = e.AppendString(b, rec.AgencyStatus)
	blk.buf = b
	blk.contracts++
	return blk.recs.write(b)
}

// appendNumber writes a passport or account number: as it is, or, with a
// key, as its keyed hash and the masked form findings show.
func (blk *fileBlock) appendNumber(b []byte, num, mask string) []byte {
	if blk.key != nil && num != "" {
		if blk.mac == nil {
			blk.mac = hmac.New(sha256.New, blk.key)
		}
		blk.mac.Reset()
		blk.mac.Write([]byte(num))
		blk.sum = blk.mac.Sum(blk.sum[:0])
		mask = crossrow.Mask(num)
		num = hex.EncodeToString(blk.sum)
	}
	return appendInline(appendInline(b, num), mask)
}

func appendInline(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// errDamaged is returned for a block that does not decode.
var errDamaged = errors.New("damaged block")

// decoded is one contract read back from a block.
type decoded struct {
	contract report.Contract
	findings []report.Finding
	errs     []report.RuleError
	issues   []contract.DataIssue
	cover    *engine.Coverage
	status   engine.Status
	risk     contract.Severity
	record   crossrow.Record
}

// byteReader reads the fields a block writes besides rows.
type byteReader struct {
	b   []byte
	err error
}

func (r *byteReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *byteReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *byteReader) inline() string {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *byteReader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *byteReader) fail() {
	if r.err == nil {
		r.err = errDamaged
	}
	r.b = nil
}

func (r *byteReader) str(d *report.RowDecoder) string {
	if r.err != nil {
		return ""
	}
	s, rest, err := d.String(r.b)
	if err != nil {
		r.fail()
		return ""
	}
	r.b = rest
	return s
}

// decode reads one record of the block into out, reusing its slices.
func (blk *fileBlock) decode(rec []byte, out *decoded) error {
	d := blk.dec
	rest, err := d.Contract(rec, &out.contract)
	if err != nil {
		return err
	}
	r := &byteReader{b: rest}
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		return errDamaged
	}
	out.findings = out.findings[:0]
	for range n {
		var f report.Finding
		if r.b, err = d.Finding(r.b, &f); err != nil {
			return err
		}
		out.findings = append(out.findings, f)
	}
	c := &out.contract
	out.errs = out.errs[:0]
	n = r.uvarint()
	for i := uint64(0); i < n && r.err == nil; i++ {
		id := r.str(d)
		out.errs = append(out.errs, report.RuleError{RuleID: id, File: c.File, Sheet: c.Sheet, Row: c.Row, ContractID: c.ContractID, Error: r.inline()})
	}
	out.issues = out.issues[:0]
	n = r.uvarint()
	for i := uint64(0); i < n && r.err == nil; i++ {
		var di contract.DataIssue
		di.File = r.str(d)
		di.Sheet = r.str(d)
		di.Row = int(r.varint())
		di.Column = r.str(d)
		di.Field = r.str(d)
		di.Value = r.inline()
		di.Problem = r.str(d)
		out.issues = append(out.issues, di)
	}
	out.cover = nil
	if cv := r.uvarint(); cv > 0 {
		if cv > uint64(len(blk.covers)) {
			return errDamaged
		}
		out.cover = blk.covers[cv-1]
	}
	out.status, out.risk = engine.Status(r.byte()), contract.Severity(r.byte())
	rc := &out.record
	rc.File = r.str(d)
	rc.Sheet = r.str(d)
	rc.Row = int(r.varint())
	rc.ContractID = r.inline()
	rc.Group = r.str(d)
	rc.Supplier = r.str(d)
	rc.Employer = r.str(d)
	rc.Worker = r.inline()
	rc.Passport, rc.PassportMask = r.inline(), r.inline()
	rc.BankAccount, rc.BankAccountMask = r.inline(), r.inline()
	rc.Fees = crossrow.FeeStatus(r.byte())
	rc.Name = r.inline()
	rc.Start, rc.End, rc.Birth = r.varint(), r.varint(), r.varint()
	rc.Agency = r.str(d)
	rc.AgencyStatus = r.str(d)
	if r.err != nil || len(r.b) != 0 {
		return errDamaged
	}
	return nil
}

// each decodes the block's records in order. The *decoded is reused from
// call to call.
func (blk *fileBlock) each(records io.Reader, fn func(*decoded) error) error {
	if blk.dec == nil {
		blk.dec = report.NewRowDecoder(blk.enc.Table())
	}
	br := bufio.NewReaderSize(records, 64<<10)
	var out decoded
	var rec []byte
	for i := 0; i < blk.contracts; i++ {
		n, err := binary.ReadUvarint(br)
		if err != nil {
			return fmt.Errorf("block of %s: %w", blk.input.Path, errDamaged)
		}
		if n > 1<<30 {
			return fmt.Errorf("block of %s: %w", blk.input.Path, errDamaged)
		}
		if uint64(cap(rec)) < n {
			rec = make([]byte, n)
		}
		rec = rec[:n]
		if _, err := io.ReadFull(br, rec); err != nil {
			return fmt.Errorf("block of %s: %w", blk.input.Path, errDamaged)
		}
		if err := blk.decode(rec, &out); err != nil {
			return fmt.Errorf("block of %s: contract %d: %w", blk.input.Path, i+1, err)
		}
		if err := fn(&out); err != nil {
			return err
		}
	}
	return nil
}

// blockMeta is the part of a block a partial keeps apart from its
// records: the input, the coverages and the row table.
type blockMeta struct {
	Input     report.Input `json:"input"`
	Contracts int          `json:"contracts"`
	Covers    []coverMeta  `json:"covers"`
	Strings   []string     `json:"strings"`
	Lists     [][]string   `json:"lists"`
}

// coverMeta is what supplier coverage needs of an engine.Coverage.
type coverMeta struct {
	Checkable []bool `json:"checkable"`
	Partly    []bool `json:"partly"`
	Checked   int    `json:"checked"`
	Total     int    `json:"total"`
}

func (blk *fileBlock) meta() ([]byte, error) {
	strs, lists := blk.enc.Table()
	m := blockMeta{Input: blk.input, Contracts: blk.contracts, Covers: []coverMeta{}, Strings: strs, Lists: lists}
	for _, c := range blk.covers {
		m.Covers = append(m.Covers, coverMeta{Checkable: c.Checkable, Partly: c.Partly, Checked: c.Checked, Total: c.Total})
	}
	return json.Marshal(m)
}

// blockFromMeta makes the block a partial's meta section describes, for
// its records to be replayed.
func blockFromMeta(file int, data []byte) (*fileBlock, error) {
	var m blockMeta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%w: %v", errDamaged, err)
	}
	if m.Strings == nil {
		m.Strings = []string{}
	}
	blk := &fileBlock{file: file, input: m.Input, contracts: m.Contracts, dec: report.NewRowDecoder(m.Strings, m.Lists)}
	for _, c := range m.Covers {
		blk.covers = append(blk.covers, &engine.Coverage{Checkable: c.Checkable, Partly: c.Partly, Checked: c.Checked, Total: c.Total})
	}
	return blk, nil
}

// recordBuf holds a block's records, each preceded by its length: in
// memory, or past spillAt bytes in a temporary file when spill is set.
type recordBuf struct {
	dir   string
	spill bool
	mem   []byte
	f     *os.File
	w     *bufio.Writer
	size  int64
	err   error
}

const spillAt = 4 << 20

func (rb *recordBuf) write(rec []byte) error {
	if rb.err != nil {
		return rb.err
	}
	var n [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(n[:], uint64(len(rec)))
	if rb.f == nil && rb.spill && len(rb.mem)+k+len(rec) > spillAt {
		f, err := os.CreateTemp(rb.dir, "laborcheck-block-*.tmp")
		if err != nil {
			rb.err = fmt.Errorf("block: %w", err)
			return rb.err
		}
		rb.f, rb.w = f, bufio.NewWriterSize(f, 256<<10)
		if _, err := rb.w.Write(rb.mem); err != nil {
			rb.err = fmt.Errorf("block: %w", err)
			return rb.err
		}
		rb.mem = nil
	}
	if rb.f == nil {
		rb.mem = append(append(rb.mem, n[:k]...), rec...)
	} else {
		rb.w.Write(n[:k])
		if _, err := rb.w.Write(rec); err != nil {
			rb.err = fmt.Errorf("block: %w", err)
			return rb.err
		}
	}
	rb.size += int64(k + len(rec))
	return nil
}

// reader reads the records back from the start.
func (rb *recordBuf) reader() (io.Reader, error) {
	if rb.err != nil {
		return nil, rb.err
	}
	if rb.f == nil {
		return bytes.NewReader(rb.mem), nil
	}
	if err := rb.w.Flush(); err != nil {
		return nil, fmt.Errorf("block: %w", err)
	}
	return io.NewSectionReader(rb.f, 0, rb.size), nil
}

// close frees the records.
func (rb *recordBuf) close() {
	rb.mem = nil
	if rb.f != nil {
		rb.f.Close()
		os.Remove(rb.f.Name())
		rb.f = nil
	}
}
