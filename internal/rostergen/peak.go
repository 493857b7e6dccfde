package rostergen

import (
	"runtime"
	"sync/atomic"
	"time"
)

// PeakHeap samples the live heap while a benchmark runs, so benchmarks can
// report the most memory an operation held at once, which allocation counts
// do not show.
type PeakHeap struct {
	stop, done chan struct{}
	peak       atomic.Uint64
}

// StartPeakHeap collects garbage and starts sampling every 10 ms.
func StartPeakHeap() *PeakHeap {
	runtime.GC()
	p := &PeakHeap{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > p.peak.Load() {
				p.peak.Store(ms.HeapAlloc)
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// StopMB stops sampling and returns the peak live heap in MiB.
func (p *PeakHeap) StopMB() float64 {
	close(p.stop)
	<-p.done
	return float64(p.peak.Load()) / (1 << 20)
}
