package cli

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Memory settings for a laborcheck process. A review allocates quickly
// (cells, contracts, findings) but keeps little: the Go collector's default
// (a heap twice what is live) spends CPU collecting often while memory is
// small, and doubles the peak when memory is large. laborcheck instead lets
// the heap grow to three times what is live while that stays under a soft
// limit, holds it at the limit above that, and raises the limit when the
// live heap itself comes near it, so that a review that needs more memory
// gets it rather than collecting without end.
const (
	gcPercent   = 200
	memoryLimit = 160 << 20 // soft limit on the Go heap: peak resident memory stays under 200 MB
	// raiseAt is the share of the limit the live heap may reach before the
	// limit is raised to raiseTo times the live heap.
	raiseAt = 0.7
	raiseTo = 1.5
)

// TuneMemory applies laborcheck's memory settings to the process unless the
// user has set GOGC or GOMEMLIMIT, which then decide alone. The returned
// function stops the watch on the live heap.
func TuneMemory() (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	debug.SetGCPercent(gcPercent)
	limit := int64(memoryLimit)
	debug.SetMemoryLimit(limit)
	done := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return
			}
			if live := int64(sample[0].Value.Uint64()); float64(live) > raiseAt*float64(limit) {
				limit = int64(raiseTo * float64(live))
				debug.SetMemoryLimit(limit)
			}
		}
	}()
	return func() { close(done) }
}
