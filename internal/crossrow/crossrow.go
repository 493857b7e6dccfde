// Package crossrow runs the checks that need every row of a review at once:
// supplier-level patterns that no single contract shows.
//
//   - fee-share: the share of a supplier's workers who paid recruitment fees
//     or related costs, its severity scaled by the count and the share.
//   - shared-passport: one passport number recorded for several workers or
//     several employers (not one worker's successive jobs).
//   - shared-bank-account: several workers' wages paid into one bank account.
//   - birth-date-cluster: several workers of one supplier born on one day.
//   - agency-cluster: several workers of one supplier placed by one
//     unlicensed or expired agency.
//   - entity-list: a supplier or employer whose name is on an entity list the
//     user supplies, such as the UFLPA Entity List.
//
// A scan keeps a small [Record] of each contract (names, passport, bank
// account, whether fees were paid) and not the contract itself, adds the
// records to a [Checker] as they are read, and asks it for [Finding]s and
// per-supplier [Summary]s once all rows are in.
//
// Groups are keyed by supplier_name, else employer_name, exactly as written,
// so that they match the report's per-supplier summaries.
package crossrow

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/refdata"
)

// Check describes one cross-row check, for reports' rule lists.
type Check struct {
	ID         string
	Title      string
	Indicator  string
	Severity   contract.Severity // the highest severity it gives
	References []string
	// Remedy says what should be done about a finding of the check.
	Remedy string
	// PerContract is set when a finding is about each contract it lists
	// (a shared passport or account), not about a supplier as a whole:
	// reports then count it against those contracts too.
	PerContract bool
}

// The checks.
var (
	FeeShare = Check{
		ID: "fee-share", Title: "Supplier's workers paid recruitment fees", Indicator: "debt_bondage", Severity: contract.Critical,
		References: []string{
			"ILO General Principles and Operational Guidelines for Fair Recruitment (2019), General Principle 7: no recruitment fees or related costs charged to workers",
			"RBA Code of Conduct v8.0, A1 (Freely Chosen Employment): workers pay no recruitment fees",
			"IHRB Employer Pays Principle",
			"Project heuristic: severity scales with the count and the share of the workers with fees recorded: critical when 3 or more paid and they are 10% or more of at least 5 (a systemic fee model); medium for one worker under 10%; high otherwise; fewer than 5 workers with fees recorded are high at most (a small sample)",
		},
		Remedy: "Reimburse every worker who paid fees or related costs, in full; require the supplier and its recruitment agencies to adopt the Employer Pays Principle, and verify it with worker interviews",
	}
	SharedPassport = Check{
		ID: "shared-passport", Title: "One passport number for several workers or employers", Indicator: "retention_of_identity_documents", Severity: contract.High, PerContract: true,
		References: []string{
			"ILO indicators of forced labour (2012), indicator 7: retention of identity documents",
			"ILO General Principles and Operational Guidelines for Fair Recruitment (2019), General Principle 11: workers' identity documents are not confiscated, destroyed or retained",
			"Project heuristic: a passport number shared by workers or employers suggests document control, identity misuse or undisclosed labour hire; one worker's name on contracts whose periods do not overlap is a change of job, not a finding",
		},
		Remedy: "Find out who holds the passport and who works under it; return documents to their owners, and correct the records of each worker and employer",
	}
	SharedBankAccount = Check{
		ID: "shared-bank-account", Title: "Several workers' wages paid into one bank account", Indicator: "withholding_of_wages", Severity: contract.Critical, PerContract: true,
		References: []string{
			"ILO Protection of Wages Convention, 1949 (No. 95), Art. 5: wages paid directly to the worker",
			"Dhaka Principles for Migration with Dignity, Principle 5: wages paid regularly, directly and on time",
			"Project heuristic: two workers on one account is high, three or more critical; one worker's name on contracts whose periods do not overlap is a change of job, not a finding",
		},
		Remedy: "Pay each worker into an account in the worker's own name that the worker controls; find out who holds the shared account and recover any wages diverted",
	}
	BirthDateCluster = Check{
		ID: "birth-date-cluster", Title: "Several workers of one supplier born on the same day", Indicator: "child_labour", Severity: contract.High,
		References: []string{
			"ILO Minimum Age Convention, 1973 (No. 138), Art. 9(3): registers of the names and ages or dates of birth of young workers",
			"RBA Code of Conduct v8.0, A2 (Young Workers): an appropriate mechanism to verify the age of workers",
			"Project heuristic: three or more workers of one supplier with one date of birth (by chance about 1 in 300 for 100 workers) suggests dates written to order, a sign of falsified ages; high when they are 5 or more. In a large supplier a date counts only when that many workers on it would be rare by chance (under 1 in 100 over all its dates), at the rate of births in the 15 days either side",
		},
		Remedy: "Verify each worker's age against an original identity document and an independent record; remove any worker under the minimum age from work, with continued pay and support into schooling",
	}
	AgencyCluster = Check{
		ID: "agency-cluster", Title: "Several workers placed by one unlicensed or expired agency", Indicator: "deception", Severity: contract.High,
		References: []string{
			"ILO General Principles and Operational Guidelines for Fair Recruitment (2019), General Principle 5: recruiters registered, licensed or certified by the competent authority",
			"FAR 52.222-50(b)(5)(ii): no use of recruiters that do not comply with the local labour laws of the country of recruitment",
			"Project heuristic: 3 or more workers of one supplier, or 20% of its workers (at least 2), placed by one agency that is unlicensed, revoked or expired on the agency register",
		},
		Remedy: "Stop recruiting through the agency until it holds a valid licence; interview the workers it placed about fees, documents and promises, and reimburse any fees paid",
	}
	EntityListMatch = Check{
		ID: "entity-list", Title: "Supplier or employer on an entity list", Indicator: "sourcing_risk", Severity: contract.Critical,
		References: []string{
			"Uyghur Forced Labor Prevention Act (UFLPA, 2021): goods from entities on the UFLPA Entity List are presumed made with forced labour unless the importer rebuts it",
			"Match on normalised names (case, punctuation and legal suffixes ignored): confirm the identity before acting",
		},
		Remedy: "Confirm the match against the listed entity's address and registration; if confirmed, stop sourcing from it for the United States market and trace the goods already shipped",
	}
)

// Checks lists every cross-row check.
var Checks = []Check{FeeShare, SharedPassport, SharedBankAccount, BirthDateCluster, AgencyCluster, EntityListMatch}

// FeeStatus says whether a worker paid recruitment fees or related costs.
type FeeStatus uint8

// Fee statuses. FeesUnknown is neither: a cost cell is blank (or the roster
// has no cost column) and none is paid.
const (
	FeesUnknown FeeStatus = iota
	FeesNotPaid
	FeesPaid
)

// Ref points at one contract.
type Ref struct {
	File       string `json:"file"`
	Sheet      string `json:"sheet"`
	Row        int    `json:"row"`
	ContractID string `json:"contract_id"`
}

func (r Ref) String() string {
	if r.Sheet == "" {
		return fmt.Sprintf("%s:%d", r.File, r.Row)
	}
	return fmt.Sprintf("%s:%s:%d", r.File, r.Sheet, r.Row)
}

// Record is what the checks keep of one contract.
type Record struct {
	Ref
	Group       string // supplier_name, else employer_name; "" when neither is given
	Supplier    string
	Employer    string
	Worker      string // worker_id, else worker_name; "" when neither is given
	Passport    string // normalised passport number, "" when blank or a placeholder
	BankAccount string // normalised account number, "" when blank
	Fees        FeeStatus
	// PassportMask and BankAccountMask, when set, are the masked forms
	// (see Mask) findings show of Passport and BankAccount: set when those
	// hold a keyed hash of the number rather than the number (a shard's
	// partial result never holds the number).
	PassportMask, BankAccountMask string
	// Name is the worker's name, folded ("" when blank); Start and End
	// the contract's period in days since 1970 (0 when blank). A number
	// shared by one name over periods that do not overlap is a change of
	// job.
	Name       string
	Start, End int64
	Birth      int64 // date of birth in days since 1970, 0 when blank
	// Agency is the agency that placed the worker, and its licence status on
	// the agency register ("" when no agency is recorded).
	Agency, AgencyStatus string
}

// Extractor makes Records from contracts of one schema. It is safe for
// concurrent use.
type Extractor struct {
	schema                                   *contract.Schema
	supplier, employer, workerID, workerName int
	passport, bank                           int
	costs                                    []int
	start, end, dob                          int
	agency, licence, nationality, country    int
	signed, departure                        int
	ref                                      *refdata.Set
	asOf                                     time.Time
}

// NewExtractor prepares extraction for schema; fields the schema lacks are
// treated as blank.
func NewExtractor(s *contract.Schema) *Extractor {
	idx := func(name string) int {
		if f := s.Field(name); f != nil {
			return f.Index
		}
		return -1
	}
	x := &Extractor{schema: s, supplier: idx("supplier_name"), employer: idx("employer_name"),
		workerID: idx("worker_id"), workerName: idx("worker_name"), passport: idx("passport_number"), bank: idx("bank_account"),
		start: idx("start_date"), end: idx("contract_end_date"), dob: idx("date_of_birth"),
		agency: idx("recruitment_agency_name"), licence: idx("recruitment_agency_license_no"),
		nationality: idx("nationality"), country: idx("employer_country"),
		signed: idx("contract_signed_date"), departure: idx("departure_date"),
		ref: refdata.Default(), asOf: time.Now().UTC()}
	for _, n := range []string{"recruitment_fee_paid_by_worker", "visa_cost_paid_by_worker", "travel_cost_paid_by_worker",
		"medical_cost_paid_by_worker", "other_recruitment_cost_paid_by_worker"} {
		x.costs = append(x.costs, idx(n))
	}
	return x
}

// WithReference returns a copy of x that decides agencies' licences with
// the agency register of s on the review date asOf (zero: today).
func (x *Extractor) WithReference(s *refdata.Set, asOf time.Time) *Extractor {
	n := *x
	if s != nil {
		n.ref = s
	}
	if !asOf.IsZero() {
		n.asOf = asOf
	}
	return &n
}

// Record extracts what the checks need from c.
func (x *Extractor) Record(c *contract.Contract) Record {
	str := func(i int) string {
		if i < 0 {
			return ""
		}
		if v := c.Value(i); v.Present {
			return strings.TrimSpace(v.Str)
		}
		return ""
	}
	r := Record{
		Ref:      Ref{File: c.File, Sheet: c.Sheet, Row: c.Row, ContractID: c.ID(x.schema)},
		Supplier: str(x.supplier), Employer: str(x.employer),
		Worker:      str(x.workerID),
		Passport:    NormalizeDocument(str(x.passport)),
		BankAccount: NormalizeDocument(str(x.bank)),
	}
	r.Name = refdata.Fold(str(x.workerName))
	if r.Worker == "" {
		r.Worker = strings.ToLower(str(x.workerName))
	}
	day := func(i int) int64 {
		if i < 0 {
			return 0
		}
		if v := c.Value(i); v.Present && !v.Time.IsZero() {
			return v.Time.Unix()/86400 + 1<<20 // never 0 for a real date
		}
		return 0
	}
	r.Start, r.End, r.Birth = day(x.start), day(x.end), day(x.dob)
	if agency, licence := str(x.agency), str(x.licence); agency != "" || licence != "" {
		r.Agency = agency
		if r.Agency == "" {
			r.Agency = licence
		}
		var countries []string
		for _, i := range []int{x.nationality, x.country} {
			if k, ok := x.ref.Countries.Lookup(str(i)); ok {
				countries = append(countries, k.Alpha2)
			}
		}
		at := x.asOf
		for _, i := range []int{x.signed, x.departure, x.start} {
			if v := c.Value(i); i >= 0 && v.Present && !v.Time.IsZero() {
				at = v.Time
				break
			}
		}
		r.AgencyStatus, _ = x.ref.Agencies.Check(agency, licence, countries, at)
	}
	r.Group = r.Supplier
	if r.Group == "" {
		r.Group = r.Employer
	}
	// Fees are known from the cost columns the roster has: an explicit 0
	// is "no fee", and a cost the roster has no column for does not make
	// the worker unknown. A blank cell in a column it has does.
	r.Fees = FeesUnknown
	columns := 0
	blank := false
	for _, i := range x.costs {
		if i < 0 || !c.HasColumn(i) {
			continue
		}
		columns++
		v := c.Value(i)
		switch {
		case !v.Present:
			blank = true
		case v.Num > 0:
			r.Fees = FeesPaid
		}
	}
	if r.Fees != FeesPaid && columns > 0 && !blank {
		r.Fees = FeesNotPaid
	}
	return r
}

// NormalizeDocument folds a passport or account number for comparison:
// upper case, letters and digits only. Placeholders (fewer than five
// characters, or one character repeated, such as "000000") give "".
func NormalizeDocument(s string) string {
	plain := true // upper-case ASCII letters and digits only: s is its own form
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	if plain {
		if len(s) < 5 || strings.Count(s, s[:1]) == len(s) {
			return ""
		}
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	n := b.String()
	if len(n) < 5 || strings.Count(n, n[:1]) == len(n) {
		return ""
	}
	return n
}

// Options tune the checks. The zero value uses the defaults.
type Options struct {
	// FeeShareCritical is the share of workers (with fees recorded) who paid
	// fees at which fee-share is critical; 0 means 0.10.
	FeeShareCritical float64
	// EntityList, when set, screens supplier and employer names.
	EntityList *EntityList
	// MaxRefs bounds how many contracts a finding lists; 0 means 20.
	MaxRefs int
	// Spill keeps the sightings of passport and account numbers in
	// temporary files in SpillDir ("" means os.TempDir()) rather than in
	// memory; only a hash of each number stays in memory (8 bytes a row),
	// and past 4M rows those go to temporary files too, so that memory
	// stays bounded however many rows there are. Close removes the files.
	Spill    bool
	SpillDir string
}

// Finding is one cross-row finding: a group of contracts that together show
// a risk indicator.
type Finding struct {
	Check    Check
	Severity contract.Severity
	// Groups are the suppliers (or employers) the finding concerns, in input
	// order: one for fee-share and entity-list, one or more for shared
	// numbers.
	Groups  []string
	Message string
	// Contracts are the contracts concerned, in input order, at most
	// Options.MaxRefs; Total counts them all.
	Contracts []Ref
	Total     int
	// Evidence holds the group's figures: counts, the shared number, the
	// matched entity.
	Evidence map[string]any
}

// Summary is what the checks found about one supplier (or employer).
type Summary struct {
	Workers      int     // contracts of the supplier
	FeesPaid     int     // workers who paid fees or related costs
	FeesNotPaid  int     // workers with every cost recorded and none paid
	FeesUnknown  int     // workers with some cost blank and none paid
	FeePaidShare float64 // FeesPaid / (FeesPaid + FeesNotPaid); 0 when none is known
	Findings     int     // cross-row findings about the supplier
	EntityMatch  string  // the entity-list entry the supplier or its employer matched, or ""
}

// Checker accumulates Records and runs the checks. Add is not safe for
// concurrent use.
type Checker struct {
	opts      Options
	groups    map[string]*group
	order     []string // group keys in first-seen order
	passports numbers
	accounts  numbers
	names     map[string]string // normalizeName results, by name
	strs      strTable          // file, sheet, employer and group names
	hash      func(string) uint64
	// births holds a record per contract with a date of birth (its group,
	// date and reference): only the few dates that make clusters are
	// listed, so the references wait here, not in memory per group.
	births arena
	// scratch is where records are encoded before they go to an arena.
	scratch []byte
}

// numbers follows passport or account numbers across rows. Every row's
// number must be kept until all rows are in, so each sighting is kept
// compactly: its record in an arena (in memory, or in a temporary file)
// and the hash of its number in memory. Findings then looks for hashes seen
// more than once and reads back only the sightings with those hashes,
// telling numbers apart by the number itself.
type numbers struct {
	hashes []uint64 // of each sighting's number, in the order added
	// buckets, once hashes outgrow maxHashes with Options.Spill, hold the
	// hashes instead, in temporary files by their top bits: duplicates are
	// then found one bucket at a time, and each sighting's hash is taken
	// again from its number.
	buckets *hashBuckets
	arena   arena
}

// maxHashes is how many hashes of numbers a Checker keeps in memory, per
// kind of number, before it spills them (with Options.Spill): 8 MB, a
// million contracts' passports or accounts.
var maxHashes = 1 << 20

const bucketBits = 4

// hashBuckets are temporary files of hashes, by their top bucketBits bits.
type hashBuckets struct {
	files [1 << bucketBits]*os.File
	w     [1 << bucketBits]*bufio.Writer
	err   error
}

func newHashBuckets(dir string) (*hashBuckets, error) {
	hb := &hashBuckets{}
	for i := range hb.files {
		f, err := os.CreateTemp(dir, "laborcheck-crossrow-*.tmp")
		if err != nil {
			hb.close()
			return nil, err
		}
		if runtime.GOOS != "windows" {
			_ = os.Remove(f.Name())
		}
		hb.files[i], hb.w[i] = f, bufio.NewWriterSize(f, 32<<10)
	}
	return hb, nil
}

func (hb *hashBuckets) add(h uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], h)
	if _, err := hb.w[h>>(64-bucketBits)].Write(b[:]); err != nil && hb.err == nil {
		hb.err = err
	}
}

// dups returns the hashes added more than once, reading one bucket at a
// time.
func (hb *hashBuckets) dups() map[uint64]bool {
	dup := map[uint64]bool{}
	var hs []uint64
	for i, f := range hb.files {
		if err := hb.w[i].Flush(); err != nil {
			hb.fail(err)
			return dup
		}
		st, err := f.Stat()
		if err != nil {
			hb.fail(err)
			return dup
		}
		hs = slices.Grow(hs[:0], int(st.Size()/8))
		r := bufio.NewReaderSize(io.NewSectionReader(f, 0, st.Size()), 64<<10)
		var b [8]byte
		for range st.Size() / 8 {
			if _, err := io.ReadFull(r, b[:]); err != nil {
				hb.fail(err)
				return dup
			}
			hs = append(hs, binary.LittleEndian.Uint64(b[:]))
		}
		slices.Sort(hs)
		for j := 1; j < len(hs); j++ {
			if hs[j] == hs[j-1] {
				dup[hs[j]] = true
			}
		}
	}
	return dup
}

func (hb *hashBuckets) fail(err error) {
	if hb.err == nil {
		hb.err = fmt.Errorf("cross-row index: %w", err)
	}
}

func (hb *hashBuckets) close() error {
	if hb == nil {
		return nil
	}
	var errs []error
	for i, f := range hb.files {
		if f == nil {
			continue
		}
		rerr := os.Remove(f.Name())
		if errors.Is(rerr, fs.ErrNotExist) {
			rerr = nil
		}
		errs = append(errs, f.Close(), rerr)
		hb.files[i] = nil
	}
	return errors.Join(errs...)
}

type sighting struct {
	ref                     Ref
	worker, employer, group string
	name                    string
	start, end              int64
	mask                    string // the number's masked form, when it is a keyed hash
}

// arena holds encoded sightings: in memory in chunks (so that it grows
// without copying), or in a temporary file. Each record is preceded by its
// length; they are read back in order, once, when findings are made.
type arena struct {
	chunks [][]byte
	file   *os.File
	w      *bufio.Writer
	size   int64
	err    error
	buf    []byte
}

const arenaChunk = 1 << 20

// add appends a record and returns its position.
func (a *arena) add(rec []byte) uint64 {
	var n [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(n[:], uint64(len(rec)))
	if a.file != nil {
		pos := uint64(a.size)
		a.w.Write(n[:k])
		if _, err := a.w.Write(rec); err != nil && a.err == nil {
			a.err = err
		}
		a.size += int64(k + len(rec))
		return pos
	}
	c := len(a.chunks)
	if c == 0 || len(a.chunks[c-1])+k+len(rec) > cap(a.chunks[c-1]) {
		a.chunks = append(a.chunks, make([]byte, 0, max(arenaChunk, k+len(rec))))
		c++
	}
	chunk := &a.chunks[c-1]
	pos := uint64(c-1)<<32 | uint64(len(*chunk))
	*chunk = append(*chunk, n[:k]...)
	*chunk = append(*chunk, rec...)
	return pos
}

// each calls fn with every record in order; the record is valid only
// during the call.
func (a *arena) each(fn func(rec []byte)) {
	next := func(b []byte) ([]byte, []byte) {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			a.fail()
			return nil, nil
		}
		return b[k : k+int(n)], b[k+int(n):]
	}
	if a.file == nil {
		for _, chunk := range a.chunks {
			for len(chunk) > 0 {
				var rec []byte
				if rec, chunk = next(chunk); rec == nil {
					return
				}
				fn(rec)
			}
		}
		return
	}
	if err := a.w.Flush(); err != nil {
		a.fail()
		return
	}
	r := bufio.NewReaderSize(io.NewSectionReader(a.file, 0, a.size), 256<<10)
	for {
		n, err := binary.ReadUvarint(r)
		if err == io.EOF {
			return
		}
		if err != nil {
			a.fail()
			return
		}
		a.buf = slices.Grow(a.buf[:0], int(n))[:n]
		if _, err := io.ReadFull(r, a.buf); err != nil {
			a.fail()
			return
		}
		fn(a.buf)
	}
}

func (a *arena) fail() {
	if a.err == nil {
		a.err = errors.New("cross-row index: damaged temporary file")
	}
}

func (a *arena) close() error {
	if a.file == nil {
		return nil
	}
	rerr := os.Remove(a.file.Name())
	if errors.Is(rerr, fs.ErrNotExist) {
		rerr = nil // removed when it was created
	}
	err := errors.Join(a.err, a.file.Close(), rerr)
	a.file = nil
	return err
}

// strTable numbers the few distinct names of files, sheets, employers and
// groups.
type strTable struct {
	ids  map[string]uint64
	strs []string
}

func (t *strTable) id(s string) uint64 {
	id, ok := t.ids[s]
	if !ok {
		if t.ids == nil {
			t.ids = map[string]uint64{}
		}
		id = uint64(len(t.strs))
		t.ids[s] = id
		t.strs = append(t.strs, s)
	}
	return id
}

// encode appends the record of a first sighting of num.
func (c *Checker) encode(b []byte, num string, r sighting) []byte {
	str := func(b []byte, s string) []byte {
		b = binary.AppendUvarint(b, uint64(len(s)))
		return append(b, s...)
	}
	b = str(b, num)
	b = binary.AppendUvarint(b, c.strs.id(r.ref.File))
	b = binary.AppendUvarint(b, c.strs.id(r.ref.Sheet))
	b = binary.AppendVarint(b, int64(r.ref.Row))
	b = str(b, r.ref.ContractID)
	b = str(b, r.worker)
	b = binary.AppendUvarint(b, c.strs.id(r.employer))
	b = binary.AppendUvarint(b, c.strs.id(r.group))
	b = str(b, r.name)
	b = binary.AppendVarint(b, r.start)
	b = binary.AppendVarint(b, r.end)
	return str(b, r.mask)
}

// decode reads the record at b: its number and its sighting.
func (c *Checker) decode(b []byte) (string, sighting) {
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		b = b[n:]
		return v
	}
	str := func() string {
		n := uv()
		s := string(b[:n])
		b = b[n:]
		return s
	}
	num := str()
	var r sighting
	r.ref.File = c.strs.strs[uv()]
	r.ref.Sheet = c.strs.strs[uv()]
	row, n := binary.Varint(b)
	b = b[n:]
	r.ref.Row = int(row)
	r.ref.ContractID = str()
	r.worker = str()
	r.employer = c.strs.strs[uv()]
	r.group = c.strs.strs[uv()]
	r.name = str()
	r.start, n = binary.Varint(b)
	b = b[n:]
	r.end, n = binary.Varint(b)
	b = b[n:]
	r.mask = str()
	return num, r
}

type group struct {
	workers, paid, notPaid, unknown int
	firstPaid                       []Ref
	names                           map[string]Ref // supplier and employer names → first contract
	nameOrder                       []string
	births                          map[int64]int // date of birth → contracts
	agencies                        map[string]*agencyGroup
	agencyOrder                     []string
}

// agencyGroup counts a supplier's workers placed by one agency whose
// licence is not in order.
type agencyGroup struct {
	name, status string
	refs         []Ref
	total        int
}

// shared follows one passport or account number across rows.
type shared struct {
	mask      string // the number as findings show it
	refs      []Ref
	total     int
	workers   []string // distinct worker keys
	employers []string // distinct employer keys
	groups    []string // distinct supplier groups
	names     []string // distinct worker names ("" when blank)
	periods   [][2]int64
}

// jobChange reports whether every sighting is of one named worker, on
// contracts whose periods are known and do not overlap: the worker moved
// from one job to the next. The last contract may be open-ended.
func (s *shared) jobChange() bool {
	if len(s.names) != 1 || s.names[0] == "" || len(s.periods) != s.total {
		return false
	}
	p := slices.Clone(s.periods)
	slices.SortFunc(p, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	for i, x := range p {
		if x[0] == 0 {
			return false
		}
		if i+1 < len(p) && (x[1] == 0 || x[1] > p[i+1][0]) {
			return false
		}
	}
	return true
}

// New returns a Checker.
func New(opts Options) *Checker {
	if opts.FeeShareCritical == 0 {
		opts.FeeShareCritical = 0.10
	}
	if opts.MaxRefs == 0 {
		opts.MaxRefs = 20
	}
	seed := maphash.MakeSeed()
	c := &Checker{opts: opts, groups: map[string]*group{}, names: map[string]string{},
		hash: func(s string) uint64 { return maphash.String(seed, s) },
	}
	if opts.Spill {
		for _, a := range []*arena{&c.passports.arena, &c.accounts.arena, &c.births} {
			f, err := os.CreateTemp(opts.SpillDir, "laborcheck-crossrow-*.tmp")
			if err != nil {
				break // kept in memory, then
			}
			if runtime.GOOS != "windows" {
				// The open file lives on without a name, and vanishes
				// however the run ends, even killed.
				_ = os.Remove(f.Name())
			}
			a.file, a.w = f, bufio.NewWriterSize(f, 64<<10)
		}
	}
	return c
}

// Err reports a failure of the temporary files (see Options.Spill): the
// checks' results are then incomplete.
func (c *Checker) Err() error {
	errs := []error{c.passports.arena.err, c.accounts.arena.err, c.births.err}
	for _, m := range []*numbers{&c.passports, &c.accounts} {
		if m.buckets != nil {
			errs = append(errs, m.buckets.err)
		}
	}
	return errors.Join(errs...)
}

// Close removes the temporary files.
func (c *Checker) Close() error {
	return errors.Join(c.passports.arena.close(), c.accounts.arena.close(), c.births.close(), c.passports.buckets.close(), c.accounts.buckets.close())
}

// normalizeName is normalizeName, remembered: a roster names few employers.
func (c *Checker) normalizeName(s string) string {
	if n, ok := c.names[s]; ok {
		return n
	}
	n := normalizeName(s)
	if len(c.names) < 1<<16 {
		c.names[s] = n
	}
	return n
}

// Add records one contract.
func (c *Checker) Add(r Record) {
	g := c.groups[r.Group]
	if g == nil {
		g = &group{names: map[string]Ref{}}
		c.groups[r.Group] = g
		c.order = append(c.order, r.Group)
	}
	g.workers++
	switch r.Fees {
	case FeesPaid:
		g.paid++
		if len(g.firstPaid) < c.opts.MaxRefs {
			g.firstPaid = append(g.firstPaid, r.Ref)
		}
	case FeesNotPaid:
		g.notPaid++
	default:
		g.unknown++
	}
	if c.opts.EntityList != nil {
		for _, n := range []string{r.Supplier, r.Employer} {
			if _, ok := g.names[n]; n != "" && !ok {
				g.names[n] = r.Ref
				g.nameOrder = append(g.nameOrder, n)
			}
		}
	}
	worker := r.Worker
	if worker == "" {
		worker = r.Ref.String() // no id or name: each row is its own worker
	}
	employer := c.normalizeName(r.Employer)
	if employer == "" {
		employer = c.normalizeName(r.Supplier)
	}
	if r.Passport != "" {
		c.share(&c.passports, r.Passport, sighting{r.Ref, worker, employer, r.Group, r.Name, r.Start, r.End, r.PassportMask})
	}
	if r.BankAccount != "" {
		c.share(&c.accounts, r.BankAccount, sighting{r.Ref, worker, employer, r.Group, r.Name, r.Start, r.End, r.BankAccountMask})
	}
	if r.Birth != 0 {
		if g.births == nil {
			g.births = map[int64]int{}
		}
		g.births[r.Birth]++
		b := binary.AppendUvarint(c.scratch[:0], c.strs.id(r.Group))
		b = binary.AppendVarint(b, r.Birth)
		b = binary.AppendUvarint(b, c.strs.id(r.Ref.File))
		b = binary.AppendUvarint(b, c.strs.id(r.Ref.Sheet))
		b = binary.AppendVarint(b, int64(r.Ref.Row))
		b = append(b, r.Ref.ContractID...)
		c.births.add(b)
		c.scratch = b
	}
	switch r.AgencyStatus {
	case refdata.AgencyUnlicensed, refdata.AgencyRevoked, refdata.AgencyExpired:
		k := refdata.NameKey(r.Agency)
		if g.agencies == nil {
			g.agencies = map[string]*agencyGroup{}
		}
		a := g.agencies[k]
		if a == nil {
			a = &agencyGroup{name: r.Agency, status: r.AgencyStatus}
			g.agencies[k] = a
			g.agencyOrder = append(g.agencyOrder, k)
		}
		a.total++
		if len(a.refs) < c.opts.MaxRefs {
			a.refs = append(a.refs, r.Ref)
		}
	}
}

func (c *Checker) share(m *numbers, num string, r sighting) {
	h := c.hash(num)
	switch {
	case m.buckets != nil:
		m.buckets.add(h)
	case c.opts.Spill && len(m.hashes) >= maxHashes:
		hb, err := newHashBuckets(c.opts.SpillDir)
		if err != nil {
			m.hashes = append(m.hashes, h) // kept in memory, then
			break
		}
		for _, x := range m.hashes {
			hb.add(x)
		}
		hb.add(h)
		m.buckets, m.hashes = hb, nil
	default:
		m.hashes = append(m.hashes, h)
	}
	c.scratch = c.encode(c.scratch[:0], num, r)
	m.arena.add(c.scratch)
}

// numberOf reads the number at the start of an encoded sighting.
func numberOf(rec []byte) string {
	n, k := binary.Uvarint(rec)
	if k <= 0 || uint64(len(rec)-k) < n {
		return ""
	}
	return string(rec[k : k+int(n)])
}

// shared collects the numbers seen more than once, following each across
// its sightings in the order they were added.
func (c *Checker) shared(m *numbers) map[string]*shared {
	var dup map[uint64]bool
	if m.buckets != nil {
		dup = m.buckets.dups()
	} else {
		sorted := slices.Clone(m.hashes)
		slices.Sort(sorted)
		for i := 1; i < len(sorted); i++ {
			if sorted[i] == sorted[i-1] {
				if dup == nil {
					dup = map[uint64]bool{}
				}
				dup[sorted[i]] = true
			}
		}
	}
	if len(dup) == 0 {
		return nil
	}
	first := map[string]sighting{}
	again := map[string]*shared{}
	i := 0
	m.arena.each(func(rec []byte) {
		var h uint64
		if m.buckets != nil {
			h = c.hash(numberOf(rec))
		} else {
			h = m.hashes[i]
		}
		i++
		if !dup[h] {
			return
		}
		num, r := c.decode(rec)
		s := again[num]
		if s == nil {
			f, seen := first[num]
			if !seen {
				first[num] = r
				return
			}
			delete(first, num)
			s = &shared{mask: f.mask, refs: []Ref{f.ref}, total: 1, workers: []string{f.worker}, groups: []string{f.group},
				names: []string{f.name}, periods: [][2]int64{{f.start, f.end}}}
			if s.mask == "" {
				s.mask = Mask(num)
			}
			if f.employer != "" {
				s.employers = []string{f.employer}
			}
			again[num] = s
		}
		s.total++
		if len(s.refs) < c.opts.MaxRefs {
			s.refs = append(s.refs, r.ref)
		}
		if !slices.Contains(s.workers, r.worker) {
			s.workers = append(s.workers, r.worker)
		}
		if r.employer != "" && !slices.Contains(s.employers, r.employer) {
			s.employers = append(s.employers, r.employer)
		}
		if !slices.Contains(s.groups, r.group) {
			s.groups = append(s.groups, r.group)
		}
		if !slices.Contains(s.names, r.name) {
			s.names = append(s.names, r.name)
		}
		if len(s.periods) < 1000 {
			s.periods = append(s.periods, [2]int64{r.start, r.end})
		}
	})
	return again
}

// Findings runs the checks over everything added so far. Findings come in a
// stable order: by check, then by group in input order (shared numbers by
// their first contract).
func (c *Checker) Findings() []Finding {
	var out []Finding
	c.EachFinding(func(f Finding) error {
		out = append(out, f)
		return nil
	})
	return out
}

// EachFinding calls fn with each finding, in the order Findings lists
// them, and stops at fn's first error. A finding is let go once fn
// returns: a batch with many shared numbers does not hold all its findings
// at once (each kind of check still holds its own while it sorts them).
func (c *Checker) EachFinding(fn func(Finding) error) error {
	each := func(fs []Finding) error {
		for i := range fs {
			if err := fn(fs[i]); err != nil {
				return err
			}
			fs[i] = Finding{}
		}
		return nil
	}
	for _, key := range c.order {
		if f, ok := c.feeShare(key, c.groups[key]); ok {
			if err := fn(f); err != nil {
				return err
			}
		}
	}
	if err := each(c.sharedFindings(&c.passports, SharedPassport)); err != nil {
		return err
	}
	if err := each(c.sharedFindings(&c.accounts, SharedBankAccount)); err != nil {
		return err
	}
	if err := each(c.birthClusters()); err != nil {
		return err
	}
	for _, key := range c.order {
		if err := each(c.agencyClusters(key, c.groups[key])); err != nil {
			return err
		}
	}
	if c.opts.EntityList != nil {
		for _, key := range c.order {
			g := c.groups[key]
			for _, n := range g.nameOrder {
				if e, ok := c.opts.EntityList.Match(n); ok {
					err := fn(Finding{
						Check: EntityListMatch, Severity: contract.Critical, Groups: []string{key},
						Message: fmt.Sprintf("%s matches %q on the entity list %s: a sourcing risk indicator; goods from listed entities are presumed made with forced labour unless the importer rebuts it",
							entityWho(n, key, g.workers), e.Name, c.opts.EntityList.Name),
						Contracts: []Ref{g.names[n]}, Total: g.workers,
						Evidence: map[string]any{"name": n, "entity": e.Name, "entity_list": c.opts.EntityList.Name, "entity_list_row": e.Line},
					})
					if err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

func entityWho(name, group string, contracts int) string {
	if name == group {
		return fmt.Sprintf("Supplier %q (%s)", name, plural(contracts, "contract"))
	}
	return fmt.Sprintf("Employer %q of supplier %q (%s)", name, group, plural(contracts, "contract"))
}

func groupName(key string) string {
	if key == "" {
		return "(not given)"
	}
	return fmt.Sprintf("%q", key)
}

func (c *Checker) feeShare(key string, g *group) (Finding, bool) {
	if g.paid == 0 {
		return Finding{}, false
	}
	known := g.paid + g.notPaid
	share := float64(g.paid) / float64(known)
	sev := feeShareSeverity(g.paid, known, c.opts.FeeShareCritical)
	msg := fmt.Sprintf("%s of %s of supplier %s with fees recorded (%.0f%%) paid recruitment fees or related costs", count(g.paid), plural(known, "worker"), groupName(key), share*100)
	if g.unknown > 0 {
		msg += fmt.Sprintf("; %s more with costs not recorded", count(g.unknown))
	}
	msg += ": a supplier-level debt bondage risk indicator"
	return Finding{
		Check: FeeShare, Severity: sev, Groups: []string{key}, Message: msg, Contracts: g.firstPaid, Total: g.paid,
		Evidence: map[string]any{"workers": g.workers, "fees_paid": g.paid, "fees_not_paid": g.notPaid, "fees_unknown": g.unknown, "fee_paid_share": round3(share)},
	}, true
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

func (c *Checker) sharedFindings(m *numbers, check Check) []Finding {
	var out []Finding
	for _, s := range c.shared(m) {
		f := Finding{Check: check, Severity: contract.High, Groups: s.groups, Contracts: s.refs, Total: s.total,
			Evidence: map[string]any{"number": s.mask, "workers": len(s.workers), "employers": len(s.employers), "contracts": s.total}}
		if s.jobChange() {
			continue // one worker's successive contracts: a change of job
		}
		switch check.ID {
		case SharedPassport.ID:
			if len(s.workers) < 2 && len(s.employers) < 2 {
				continue // the same worker listed twice at one employer
			}
			f.Message = fmt.Sprintf("Passport number %s appears on %s contracts for %s and %s (suppliers: %s): a risk indicator of document control or identity misuse",
				s.mask, count(s.total), plural(len(s.workers), "worker"), plural(len(s.employers), "employer"), groupNames(s.groups))
		case SharedBankAccount.ID:
			if len(s.workers) < 2 {
				continue
			}
			f.Message = fmt.Sprintf("Wages of %s are paid into one bank account, %s (%s contracts; suppliers: %s): a risk indicator of wages not paid directly to the worker",
				plural(len(s.workers), "worker"), s.mask, count(s.total), groupNames(s.groups))
			if len(s.workers) >= 3 {
				f.Severity = contract.Critical
			}
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Finding) int { return compareRefs(a.Contracts[0], b.Contracts[0]) })
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return count(n) + " " + word + "s"
}

// count writes n with thousands separators, as reports write numbers.
func count(n int) string { return contract.GroupDigits(strconv.Itoa(n)) }

func groupNames(keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = groupName(k)
	}
	return strings.Join(names, ", ")
}

func compareRefs(a, b Ref) int {
	if c := strings.Compare(a.File, b.File); c != 0 {
		return c
	}
	if c := strings.Compare(a.Sheet, b.Sheet); c != 0 {
		return c
	}
	return a.Row - b.Row
}

// Mask shows the last four characters of a document or account number, as
// findings show it.
func Mask(n string) string {
	if len(n) <= 4 {
		return n
	}
	return strings.Repeat("*", len(n)-4) + n[len(n)-4:]
}

// Summaries returns what the checks found per supplier group.
func (c *Checker) Summaries(findings []Finding) map[string]Summary {
	out := c.BaseSummaries()
	for i := range findings {
		CountSummary(out, &findings[i])
	}
	return out
}

// BaseSummaries are the Summaries before any finding is counted in: the
// workers and fee figures of each group. CountSummary counts findings in,
// one at a time.
func (c *Checker) BaseSummaries() map[string]Summary {
	out := make(map[string]Summary, len(c.groups))
	for key, g := range c.groups {
		s := Summary{Workers: g.workers, FeesPaid: g.paid, FeesNotPaid: g.notPaid, FeesUnknown: g.unknown}
		if known := g.paid + g.notPaid; known > 0 {
			s.FeePaidShare = round3(float64(g.paid) / float64(known))
		}
		out[key] = s
	}
	return out
}

// CountSummary counts finding f in the summaries of its groups.
func CountSummary(out map[string]Summary, f *Finding) {
	for _, g := range f.Groups {
		s, ok := out[g]
		if !ok {
			continue
		}
		s.Findings++
		if f.Check.ID == EntityListMatch.ID && s.EntityMatch == "" {
			s.EntityMatch, _ = f.Evidence["entity"].(string)
		}
		out[g] = s
	}
}

// feeShareSeverity scales fee-share with the count and the share of the
// workers with fees recorded (known) who paid: a systemic fee model
// (critical) needs 3 or more who paid, at least critical of the share,
// among at least 5; a lone worker under that share is medium; fewer than 5
// known is high at most, however large the share.
func feeShareSeverity(paid, known int, critical float64) contract.Severity {
	share := float64(paid) / float64(known)
	switch {
	case known >= 5 && paid >= 3 && share >= critical:
		return contract.Critical
	case known >= 5 && paid == 1 && share < critical:
		return contract.Medium
	default:
		return contract.High
	}
}

// birthClusters finds dates of birth shared by 3 or more of a supplier's
// workers.
func (c *Checker) birthClusters() []Finding {
	type cluster struct {
		key  string
		day  int64
		n    int
		refs []Ref
	}
	var clusters []*cluster
	byDay := map[[2]int64]*cluster{} // group id, day → cluster
	for _, key := range c.order {
		g := c.groups[key]
		var days []int64
		for d, n := range g.births {
			if n >= 3 && !birthsByChance(g.births, d, n) {
				days = append(days, d)
			}
		}
		slices.Sort(days)
		for _, d := range days {
			cl := &cluster{key: key, day: d, n: g.births[d]}
			clusters = append(clusters, cl)
			byDay[[2]int64{int64(c.strs.id(key)), d}] = cl
		}
	}
	if len(clusters) == 0 {
		return nil
	}
	// One pass over the records for the contracts of the clusters, in the
	// order they were added.
	c.births.each(func(rec []byte) {
		uv := func() uint64 {
			v, n := binary.Uvarint(rec)
			if n <= 0 {
				rec = nil
				return 0
			}
			rec = rec[n:]
			return v
		}
		vi := func() int64 {
			v, n := binary.Varint(rec)
			if n <= 0 {
				rec = nil
				return 0
			}
			rec = rec[n:]
			return v
		}
		gid, day := uv(), vi()
		cl := byDay[[2]int64{int64(gid), day}]
		if cl == nil || len(cl.refs) >= c.opts.MaxRefs {
			return
		}
		file, sheet, row := uv(), uv(), vi()
		if rec == nil || file >= uint64(len(c.strs.strs)) || sheet >= uint64(len(c.strs.strs)) {
			c.births.fail()
			return
		}
		cl.refs = append(cl.refs, Ref{File: c.strs.strs[file], Sheet: c.strs.strs[sheet], Row: int(row), ContractID: string(rec)})
	})
	out := make([]Finding, 0, len(clusters))
	for _, cl := range clusters {
		g := c.groups[cl.key]
		date := time.Unix((cl.day-1<<20)*86400, 0).UTC().Format(time.DateOnly)
		sev := contract.Medium
		if cl.n >= 5 {
			sev = contract.High
		}
		out = append(out, Finding{
			Check: BirthDateCluster, Severity: sev, Groups: []string{cl.key}, Contracts: cl.refs, Total: cl.n,
			Message: fmt.Sprintf("%s workers of supplier %s have the date of birth %s: dates of birth written to order are a sign of falsified ages, a child labour risk indicator; check ages against identity documents",
				count(cl.n), groupName(cl.key), date),
			Evidence: map[string]any{"date_of_birth": date, "workers": cl.n, "supplier_workers": g.workers},
		})
	}
	return out
}

// Chance births. In a large supplier several workers share a birthday by
// chance: among 12,000 workers born over 40 years, about 0.8 a day. A date
// of birth is a cluster only when that many workers on it would be rare by
// chance, judged against the supplier's own workers born in the weeks around
// it (so that an age profile, young hires say, is not taken for a cluster).
const (
	// birthWindow is the days either side of a date whose births set the
	// rate expected on it.
	birthWindow = 15
	// birthChance is the largest chance, over all of a supplier's dates of
	// birth, of seeing a cluster as large where there is none.
	birthChance = 0.01
)

// birthsByChance reports whether n workers born on day d are within what
// chance gives: more likely than birthChance over the group's distinct
// dates of birth, at the rate of births in the days around d.
func birthsByChance(births map[int64]int, d int64, n int) bool {
	around := 0
	for k := d - birthWindow; k <= d+birthWindow; k++ {
		if k != d {
			around += births[k]
		}
	}
	rate := float64(around) / (2 * birthWindow)
	return float64(len(births))*poissonTail(rate, n) >= birthChance
}

// poissonTail is the chance that a Poisson count with mean rate is n or
// more.
func poissonTail(rate float64, n int) float64 {
	if rate <= 0 {
		return 0
	}
	lg, _ := math.Lgamma(float64(n) + 1)
	term := math.Exp(float64(n)*math.Log(rate) - rate - lg)
	sum := 0.0
	for k := n; k < n+200 && term > sum*1e-12; k++ {
		sum += term
		term *= rate / float64(k+1)
	}
	return min(sum, 1)
}

// agencyClusters finds agencies that placed several of a supplier's
// workers while unlicensed, revoked or expired.
func (c *Checker) agencyClusters(key string, g *group) []Finding {
	var out []Finding
	for _, k := range g.agencyOrder {
		a := g.agencies[k]
		if a.total < 3 && !(a.total >= 2 && float64(a.total) >= 0.2*float64(g.workers)) {
			continue
		}
		out = append(out, Finding{
			Check: AgencyCluster, Severity: contract.High, Groups: []string{key}, Contracts: a.refs, Total: a.total,
			Message: fmt.Sprintf("%s of %s of supplier %s were placed by %s, %s on the agency register: a deception risk indicator for the supplier's recruitment channel",
				plural(a.total, "worker"), plural(g.workers, "worker"), groupName(key), a.name, a.status),
			Evidence: map[string]any{"agency": a.name, "licence_status": a.status, "workers": a.total, "supplier_workers": g.workers},
		})
	}
	return out
}
