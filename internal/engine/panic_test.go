package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// A panic on a worker (a rule, or reading a row into a contract), on the
// producer or on the consumer stops the run and is raised again on the
// caller's goroutine, where it can be recovered, with the stack of the
// goroutine that panicked. Unrecovered on its own goroutine, it would end
// the process before any clean-up.
func TestRunEach_PanicReachesCaller(t *testing.T) {
	p, s := compile(t)
	for _, where := range []string{"worker", "producer", "consumer"} {
		t.Run(where, func(t *testing.T) {
			e := New(p, s, Options{Workers: 4})
			var got any
			func() {
				defer func() { got = recover() }()
				_ = RunEach(context.Background(), e,
					func(emit func(int) error) error {
						for i := 0; ; i++ {
							if where == "producer" && i == 700 {
								faultOn(where)
							}
							if err := emit(i); err != nil {
								return err
							}
						}
					},
					func(i int) (*contract.Contract, int) {
						if where == "worker" && i == 500 {
							faultOn(where)
						}
						return mk(t, s, i, nil), i
					},
					func(_ Result, i int) error {
						if where == "consumer" && i == 900 {
							faultOn(where)
						}
						return nil
					})
			}()
			pe, ok := got.(*PanicError)
			require.True(t, ok, "recovered %v, want a *PanicError", got)
			assert.Equal(t, "fault on the "+where, pe.Value)
			assert.Contains(t, string(pe.Stack()), "faultOn")
		})
	}
}

func faultOn(where string) { panic("fault on the " + where) }
