package contract_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/rostergen"
	"github.com/laborcheck/laborcheck/internal/source"
)

var (
	rosterOnce  sync.Once
	rosterRows  []*contract.Contract
	rosterError error
)

// generatedContracts reads a generated roster of 10,000 rows (see
// internal/rostergen), not yet derived.
func generatedContracts(tb testing.TB) []*contract.Contract {
	tb.Helper()
	rosterOnce.Do(func() {
		dir, err := os.MkdirTemp("", "laborcheck-derive")
		if err != nil {
			rosterError = err
			return
		}
		defer os.RemoveAll(dir)
		p := filepath.Join(dir, "roster.xlsx")
		if rosterError = rostergen.WriteFile(p, rostergen.Options{Rows: 10_000}); rosterError != nil {
			return
		}
		_, rosterError = source.Read(context.Background(), p, source.Options{Schema: contract.DefaultSchema()},
			func(c *contract.Contract, _ []contract.DataIssue) error {
				rosterRows = append(rosterRows, c)
				return nil
			})
	})
	if rosterError != nil {
		tb.Fatal(rosterError)
	}
	return rosterRows
}

var deriveDate = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkDerive is Deriver.Derive on the contracts of a generated roster.
func BenchmarkDerive(b *testing.B) {
	rows := generatedContracts(b)
	d := contract.NewDeriver(contract.DefaultSchema(), deriveDate)
	buf := make([]contract.Value, len(rows[0].Values))
	c := new(contract.Contract)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		src := rows[n%len(rows)]
		*c = *src
		c.Values = buf
		copy(c.Values, src.Values)
		d.Derive(c)
		n++
	}
}

// TestDeriveDump writes every derived value of the generated roster to the
// file LABORCHECK_DERIVE_DUMP names, to compare two versions of Derive.
func TestDeriveDump(t *testing.T) {
	out := os.Getenv("LABORCHECK_DERIVE_DUMP")
	if out == "" {
		t.Skip("LABORCHECK_DERIVE_DUMP not set")
	}
	rows := generatedContracts(t)
	d := contract.NewDeriver(contract.DefaultSchema(), deriveDate)
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, src := range rows {
		c := *src
		c.Values = append([]contract.Value(nil), src.Values...)
		d.Derive(&c)
		for i, v := range c.Values {
			fmt.Fprintf(f, "%d %d %#v\n", c.Row, i, v)
		}
	}
}
