package contract

import "sync"

// A Pool recycles contracts, so that reading hundreds of thousands of rows
// does not allocate (and collect) a value slice for each. A reader takes
// contracts from the pool; whoever is last to use a contract puts it back,
// after which it must not be touched. A nil *Pool allocates.
//
// A Pool is safe for concurrent use.
type Pool struct {
	n int
	p sync.Pool
}

// NewPool returns a pool of contracts with n values each (a schema's Len).
func NewPool(n int) *Pool { return &Pool{n: n} }

// GetFill returns a contract with n values for a reader that sets every
// one of them, as source's Row.Fill does: a recycled contract's values are
// not cleared here, where clearing them would only be written over.
func (p *Pool) GetFill() *Contract {
	if p != nil {
		if c, ok := p.p.Get().(*Contract); ok {
			c.Converted = false
			return c
		}
		return &Contract{Values: make([]Value, p.n)}
	}
	return &Contract{}
}

// Put returns c to the pool.
func (p *Pool) Put(c *Contract) {
	if p == nil || c == nil || len(c.Values) != p.n {
		return
	}
	*c = Contract{Values: c.Values}
	p.p.Put(c)
}
