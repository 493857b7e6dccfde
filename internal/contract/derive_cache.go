package contract

import (
	"hash/maphash"
	"sync/atomic"

	"github.com/laborcheck/laborcheck/internal/refdata"
)

// derivedCache remembers derivations that depend on a few cell texts only
// (a nationality and an employer country, two languages, a host country, a
// supplier and a product) with what they derived and the Raw that says
// how: a roster repeats those texts on row after row, and building the
// Raw, with the lookups behind it, is most of what deriving such a field
// costs.
//
// The table is two-way set-associative by a hash of the key: a key's two
// slots hold the last two entries stored there. Entries are immutable once published, so one
// Deriver serves several goroutines without locks. Every answer depends on
// the Deriver's reference tables and vocabulary only besides its key, so
// a Deriver with other tables gets a table of its own.
type derivedCache struct {
	seed  maphash.Seed
	slots [derivedSlots]atomic.Pointer[derivedEntry]
}

const (
	derivedSlots   = 2048
	derivedMaxText = 128 // keys with longer texts are not remembered
)

// Kinds of derivation the cache holds.
const (
	kindMigrant uint8 = iota + 1
	kindLanguage
	kindMinimumAges
	kindUnknownHost
	kindNotChina
	kindWRO
	kindGood
)

// derivedKey is what a cached derivation depends on.
type derivedKey struct {
	kind    uint8
	flags   uint8
	country *refdata.Country
	a, b, c string
}

// derived is a derivation's result: the value to store, whether to store
// it, and for minimum ages the ages of all three fields.
type derived struct {
	v    Value
	ok   bool
	ages refdata.Ages
}

type derivedEntry struct {
	key derivedKey
	derived
}

func newDerivedCache() *derivedCache { return &derivedCache{seed: maphash.MakeSeed()} }

// get returns the derivation of k, computing it with fn when the cache does
// not hold it. A nil cache computes every time.
func (m *derivedCache) get(k derivedKey, fn func() derived) derived {
	if m == nil || len(k.a)+len(k.b)+len(k.c) > derivedMaxText {
		return fn()
	}
	h := maphash.String(m.seed, k.a)
	if k.b != "" {
		h = h*0x9E3779B97F4A7C15 ^ maphash.String(m.seed, k.b)
	}
	if k.c != "" {
		h = h*0x9E3779B97F4A7C15 ^ maphash.String(m.seed, k.c)
	}
	h ^= uint64(k.kind)<<56 ^ uint64(k.flags)<<48
	h ^= h >> 29
	// Two slots per key, so that two keys whose hashes meet both stay.
	i := h & (derivedSlots - 2)
	s0, s1 := &m.slots[i], &m.slots[i+1]
	e0 := s0.Load()
	if e0 != nil && e0.key == k {
		return e0.derived
	}
	e1 := s1.Load()
	if e1 != nil && e1.key == k {
		return e1.derived
	}
	r := fn()
	e := &derivedEntry{key: k, derived: r}
	switch {
	case e0 == nil:
		s0.Store(e)
	case e1 == nil:
		s1.Store(e)
	default:
		s1.Store(e0) // the older of the two goes
		s0.Store(e)
	}
	return r
}
