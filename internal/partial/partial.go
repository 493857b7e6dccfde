// Package partial is the file format of a shard's partial result: what
// `laborcheck scan -shard i/N -partial FILE` writes and `laborcheck merge`
// reads back.
//
// # Layout
//
// A partial file is
//
//	magic "LCPART1\n"
//	uvarint length, header (JSON, see Header)
//	blocks: per input file of the shard, a meta section and a records
//	        section, each compressed with zstd
//	index (JSON: one Entry per block)
//	8 bytes: the index's offset, little-endian
//	magic "LCPART1\n"
//
// The package knows nothing of what blocks hold: internal/scan writes and
// reads them. It assigns files to shards ([Assign]), writes partials
// atomically ([Create], [Writer.Commit]), opens them ([Open]) and checks
// that a set of partials belongs together ([OpenSet]).
package partial

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// FormatVersion is the version of the layout; a merge refuses any other.
const FormatVersion = 1

const magic = "LCPART1\n"

// maxHeader bounds the header a reader accepts.
const maxHeader = 64 << 20

// Header describes a partial: which shard of which run it is.
type Header struct {
	Format  int    `json:"format"`
	Version string `json:"version"` // laborcheck's version
	Shard   int    `json:"shard"`   // i of -shard i/N, zero-based
	Shards  int    `json:"shards"`  // N
	// Digests names what shards of one run must agree on (rules, tables,
	// options, vocabularies, inputs, key), in a fixed order.
	Digests []Digest `json:"digests"`
	// Files is the length of the full input list, of every shard.
	Files int `json:"files"`
	// Payload is what the merge needs besides the blocks, opaque here.
	Payload json.RawMessage `json:"payload"`
}

// Digest is one named digest of a header.
type Digest struct {
	Name  string `json:"name"`
	Value string `json:"sha256"`
}

// Entry locates one block.
type Entry struct {
	File      int   `json:"file"` // index in the full input list
	MetaOff   int64 `json:"meta_off"`
	MetaLen   int64 `json:"meta_len"`
	RecOff    int64 `json:"rec_off"`
	RecLen    int64 `json:"rec_len"`
	Contracts int   `json:"contracts"`
}

// Assign gives each file (by its size) a shard of n: largest first, each
// to the shard with the fewest bytes so far (the lowest-numbered on a tie),
// equal sizes in list order. The same sizes always give the same
// assignment.
func Assign(sizes []int64, n int) []int {
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sizes[b], sizes[a]) })
	load := make([]int64, n)
	out := make([]int, len(sizes))
	for _, f := range order {
		best := 0
		for s := 1; s < n; s++ {
			if load[s] < load[best] {
				best = s
			}
		}
		out[f] = best
		// Every file weighs at least a byte, so that empty files spread.
		load[best] += max(sizes[f], 1)
	}
	return out
}

// Sum is the hex SHA-256 of data.
func Sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// SumJSON is the hex SHA-256 of v's JSON encoding.
func SumJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("partial: digest of %T: %v", v, err))
	}
	return Sum(b)
}

// KeyDigest is the name of the digest of the key numbers are hashed with
// (see KeyCheck).
const KeyDigest = "shard key"

// Key derives the key that hashes passport and bank numbers in partials
// (HMAC-SHA-256) from a secret: every shard of a run must use the same.
func Key(secret []byte) []byte {
	m := hmac.New(sha256.New, []byte("laborcheck partial key"))
	m.Write(secret)
	return m.Sum(nil)
}

// KeyCheck is a digest that tells keys apart without revealing them.
func KeyCheck(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("laborcheck key check"))
	return hex.EncodeToString(m.Sum(nil))
}

// Writer writes one partial to a temporary file next to its path;
// Commit renames it into place. It is not safe for concurrent use.
type Writer struct {
	path string
	f    *os.File
	w    *bufio.Writer
	off  int64
	idx  []Entry
	enc  *zstd.Encoder
	err  error
}

var encoders = sync.Pool{New: func() any {
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	if err != nil {
		panic(err)
	}
	return e
}}

// Create starts the partial at path with its header, in a temporary file
// next to it (a name starting with ".", ending ".tmp").
func Create(path string, h Header) (*Writer, error) {
	h.Format = FormatVersion
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("partial header: %w", err)
	}
	// The folder is made if need be: shards of a cluster job write into
	// a shared folder that the first of them may have to create.
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create partial: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create partial: %w", err)
	}
	// Readable by the group too, so that a merge run as another user of the
	// job's group can read it; never by others (it names workers).
	if err := f.Chmod(0o640); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("create partial: %w", err)
	}
	w := &Writer{path: path, f: f, w: bufio.NewWriterSize(f, 256<<10), enc: encoders.Get().(*zstd.Encoder)}
	w.write([]byte(magic))
	w.write(binary.AppendUvarint(nil, uint64(len(hb))))
	w.write(hb)
	if w.err != nil {
		w.Abort()
		return nil, w.err
	}
	return w, nil
}

func (w *Writer) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.w.Write(b)
	w.off += int64(n)
	if err != nil {
		w.err = fmt.Errorf("write partial: %w", err)
	}
}

// countWriter counts what passes to the file.
type countWriter struct{ w *Writer }

func (c countWriter) Write(b []byte) (int, error) {
	c.w.write(b)
	if c.w.err != nil {
		return 0, c.w.err
	}
	return len(b), nil
}

// Block writes the block of input file (its index in the full list): meta
// whole, and records streamed from r.
func (w *Writer) Block(file, contracts int, meta []byte, records io.Reader) error {
	e := Entry{File: file, MetaOff: w.off, Contracts: contracts}
	w.write(w.enc.EncodeAll(meta, nil))
	e.MetaLen = w.off - e.MetaOff
	e.RecOff = w.off
	w.enc.Reset(countWriter{w})
	if _, err := io.Copy(w.enc, records); err != nil && w.err == nil {
		w.err = fmt.Errorf("write partial: %w", err)
	}
	if err := w.enc.Close(); err != nil && w.err == nil {
		w.err = fmt.Errorf("write partial: %w", err)
	}
	e.RecLen = w.off - e.RecOff
	w.idx = append(w.idx, e)
	return w.err
}

// Commit writes the index, syncs the file and renames it into place.
func (w *Writer) Commit() error {
	ib, err := json.Marshal(w.idx)
	if err != nil {
		w.err = err
	}
	at := w.off
	w.write(ib)
	w.write(binary.LittleEndian.AppendUint64(nil, uint64(at)))
	w.write([]byte(magic))
	if w.err == nil {
		if err := w.w.Flush(); err != nil {
			w.err = fmt.Errorf("write partial: %w", err)
		}
	}
	if w.err == nil {
		if err := w.f.Sync(); err != nil {
			w.err = fmt.Errorf("write partial: %w", err)
		}
	}
	if w.err != nil {
		w.Abort()
		return w.err
	}
	if err := w.f.Close(); err != nil {
		w.Abort()
		return fmt.Errorf("write partial: %w", err)
	}
	if err := os.Rename(w.f.Name(), w.path); err != nil {
		w.Abort()
		return fmt.Errorf("write partial: %w", err)
	}
	w.release()
	return nil
}

// Abort removes the temporary file; the path is left as it was.
func (w *Writer) Abort() {
	if w.f != nil {
		w.f.Close()
		os.Remove(w.f.Name())
	}
	w.release()
}

func (w *Writer) release() {
	if w.enc != nil {
		w.enc.Reset(nil)
		encoders.Put(w.enc)
		w.enc = nil
	}
	w.f = nil
}

// Reader is an opened partial: its header and index. Blocks are read
// through Meta and Records.
type Reader struct {
	Path   string
	Header Header
	Index  []Entry
	size   int64
}

// ErrNotPartial is returned by Open for a file that is not a partial, or
// is cut short.
var ErrNotPartial = errors.New("not a laborcheck partial result, or an incomplete one")

// Open reads a partial's header and index.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	r := &Reader{Path: path, size: st.Size()}
	bad := func(what string) error { return fmt.Errorf("%s: %w (%s)", path, ErrNotPartial, what) }
	if r.size < int64(2*len(magic)+8) {
		return nil, bad("too short")
	}
	br := bufio.NewReader(io.NewSectionReader(f, 0, r.size))
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(br, head); err != nil || string(head) != magic {
		return nil, bad("no format mark")
	}
	n, err := binary.ReadUvarint(br)
	if err != nil || n > maxHeader {
		return nil, bad("header")
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(br, hb); err != nil {
		return nil, bad("header")
	}
	if err := json.Unmarshal(hb, &r.Header); err != nil {
		return nil, bad("header: " + err.Error())
	}
	tail := make([]byte, 8+len(magic))
	if _, err := f.ReadAt(tail, r.size-int64(len(tail))); err != nil || string(tail[8:]) != magic {
		return nil, bad("no index: the shard did not finish")
	}
	at := int64(binary.LittleEndian.Uint64(tail))
	if at < 0 || at > r.size-int64(len(tail)) {
		return nil, bad("index")
	}
	ib := make([]byte, r.size-int64(len(tail))-at)
	if _, err := f.ReadAt(ib, at); err != nil {
		return nil, bad("index")
	}
	if err := json.Unmarshal(ib, &r.Index); err != nil {
		return nil, bad("index: " + err.Error())
	}
	for _, e := range r.Index {
		if e.MetaOff < 0 || e.RecOff < 0 || e.MetaLen < 0 || e.RecLen < 0 || e.RecOff+e.RecLen > at || e.MetaOff+e.MetaLen > at {
			return nil, bad("index")
		}
	}
	return r, nil
}

var decoders = sync.Pool{New: func() any {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
	if err != nil {
		panic(err)
	}
	return d
}}

// Meta reads a block's meta section.
func (r *Reader) Meta(e Entry) ([]byte, error) {
	f, err := os.Open(r.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw := make([]byte, e.MetaLen)
	if _, err := f.ReadAt(raw, e.MetaOff); err != nil {
		return nil, fmt.Errorf("%s: read block: %w", r.Path, err)
	}
	d := decoders.Get().(*zstd.Decoder)
	defer decoders.Put(d)
	out, err := d.DecodeAll(raw, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: read block: %w", r.Path, err)
	}
	return out, nil
}

// Records opens a block's records section as a stream; close it when done.
func (r *Reader) Records(e Entry) (io.ReadCloser, error) {
	f, err := os.Open(r.Path)
	if err != nil {
		return nil, err
	}
	d := decoders.Get().(*zstd.Decoder)
	if err := d.Reset(bufio.NewReaderSize(io.NewSectionReader(f, e.RecOff, e.RecLen), 256<<10)); err != nil {
		f.Close()
		decoders.Put(d)
		return nil, fmt.Errorf("%s: read block: %w", r.Path, err)
	}
	return &records{d: d, f: f}, nil
}

type records struct {
	d *zstd.Decoder
	f *os.File
}

func (r *records) Read(b []byte) (int, error) { return r.d.Read(b) }

func (r *records) Close() error {
	if r.d != nil {
		r.d.Reset(nil)
		decoders.Put(r.d)
		r.d = nil
	}
	return r.f.Close()
}

// SetError says why a set of partials cannot be merged.
type SetError struct {
	Path  string // the partial concerned, "" for the set as a whole
	Shard int    // its shard index, -1 when unknown
	Msg   string
}

func (e *SetError) Error() string {
	switch {
	case e.Path == "":
		return e.Msg
	case e.Shard < 0:
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s (shard %d): %s", e.Path, e.Shard, e.Msg)
}

// Set is a complete set of partials of one run.
type Set struct {
	Shards []*Reader // by shard index
	where  []struct{ shard, entry int }
}

// OpenSet opens the partials at paths and checks that they are one run's
// shards, each once: same format, version, shard count, digests and input
// list. The first problem found is returned as a *SetError.
func OpenSet(paths []string) (*Set, error) {
	if len(paths) == 0 {
		return nil, &SetError{Shard: -1, Msg: "no partial results to merge"}
	}
	var rs []*Reader
	for _, p := range paths {
		r, err := Open(p)
		if err != nil {
			return nil, &SetError{Path: p, Shard: -1, Msg: err.Error()}
		}
		if r.Header.Format != FormatVersion {
			return nil, &SetError{Path: p, Shard: -1, Msg: fmt.Sprintf("partial format %d; this laborcheck reads format %d", r.Header.Format, FormatVersion)}
		}
		rs = append(rs, r)
	}
	slices.SortStableFunc(rs, func(a, b *Reader) int { return cmp.Compare(a.Header.Shard, b.Header.Shard) })
	ref := rs[0]
	n := ref.Header.Shards
	for _, r := range rs {
		h := r.Header
		if h.Shards != n {
			return nil, &SetError{Path: r.Path, Shard: h.Shard, Msg: fmt.Sprintf("made as one of %d shards; %s (shard %d) as one of %d", h.Shards, ref.Path, ref.Header.Shard, n)}
		}
		if h.Shard < 0 || h.Shard >= n {
			return nil, &SetError{Path: r.Path, Shard: h.Shard, Msg: fmt.Sprintf("shard index out of range 0..%d", n-1)}
		}
		if h.Version != ref.Header.Version {
			return nil, &SetError{Path: r.Path, Shard: h.Shard, Msg: fmt.Sprintf("made by laborcheck %s; shard %d by %s", h.Version, ref.Header.Shard, ref.Header.Version)}
		}
		if d := differs(h.Digests, ref.Header.Digests); d != "" {
			return nil, &SetError{Path: r.Path, Shard: h.Shard, Msg: fmt.Sprintf("made with other %s than shard %d (%s)", d, ref.Header.Shard, ref.Path)}
		}
		if h.Files != ref.Header.Files {
			return nil, &SetError{Path: r.Path, Shard: h.Shard, Msg: fmt.Sprintf("made with other inputs than shard %d (%s): %d files, not %d", ref.Header.Shard, ref.Path, h.Files, ref.Header.Files)}
		}
		if !bytes.Equal(h.Payload, ref.Header.Payload) {
			return nil, &SetError{Path: r.Path, Shard: h.Shard, Msg: fmt.Sprintf("made with other settings than shard %d (%s)", ref.Header.Shard, ref.Path)}
		}
	}
	for i := 1; i < len(rs); i++ {
		if rs[i].Header.Shard == rs[i-1].Header.Shard {
			return nil, &SetError{Path: rs[i].Path, Shard: rs[i].Header.Shard, Msg: fmt.Sprintf("shard %d given twice: also %s", rs[i].Header.Shard, rs[i-1].Path)}
		}
	}
	if len(rs) < n {
		var missing []string
		have := map[int]bool{}
		for _, r := range rs {
			have[r.Header.Shard] = true
		}
		for i := range n {
			if !have[i] {
				missing = append(missing, fmt.Sprint(i))
			}
		}
		return nil, &SetError{Shard: -1, Msg: fmt.Sprintf("shard %s of %d missing: %d of %d partial results given", joinMax(missing, 20), n, len(rs), n)}
	}
	s := &Set{Shards: rs, where: make([]struct{ shard, entry int }, ref.Header.Files)}
	for i := range s.where {
		s.where[i].shard = -1
	}
	for si, r := range rs {
		for ei, e := range r.Index {
			if e.File < 0 || e.File >= len(s.where) {
				return nil, &SetError{Path: r.Path, Shard: si, Msg: fmt.Sprintf("block for input %d of %d", e.File, len(s.where))}
			}
			if w := s.where[e.File]; w.shard >= 0 {
				return nil, &SetError{Path: r.Path, Shard: si, Msg: fmt.Sprintf("input %d is also in shard %d", e.File, w.shard)}
			}
			s.where[e.File] = struct{ shard, entry int }{si, ei}
		}
	}
	for i, w := range s.where {
		if w.shard < 0 {
			return nil, &SetError{Shard: -1, Msg: fmt.Sprintf("no shard holds input %d of %d", i, len(s.where))}
		}
	}
	return s, nil
}

func joinMax(l []string, n int) string {
	if len(l) > n {
		return fmt.Sprintf("%s and %d more", joinComma(l[:n]), len(l)-n)
	}
	return joinComma(l)
}

func joinComma(l []string) string {
	var b bytes.Buffer
	for i, s := range l {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	return b.String()
}

// differs names the digests that differ between a and b.
func differs(a, b []Digest) string {
	var out []string
	for _, d := range a {
		i := slices.IndexFunc(b, func(e Digest) bool { return e.Name == d.Name })
		if i < 0 || b[i].Value != d.Value {
			out = append(out, d.Name)
		}
	}
	for _, d := range b {
		if !slices.ContainsFunc(a, func(e Digest) bool { return e.Name == d.Name }) {
			out = append(out, d.Name)
		}
	}
	// A key derived from the rules and inputs differs when they do: name
	// the cause alone.
	if len(out) > 1 {
		out = slices.DeleteFunc(out, func(n string) bool { return n == KeyDigest })
	}
	return joinComma(out)
}

// Files is the number of input files of the run.
func (s *Set) Files() int { return len(s.where) }

// Block returns the partial holding input file i and its entry.
func (s *Set) Block(i int) (*Reader, Entry) {
	w := s.where[i]
	r := s.Shards[w.shard]
	return r, r.Index[w.entry]
}
