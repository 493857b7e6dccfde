package xlsx

import (
	"context"
	"io"
	"sync"
)

// prefetch reads (inflates) a part in its own goroutine, a few chunks ahead
// of the scanner, so that on a multi-core machine inflating and scanning
// overlap.
type prefetch struct {
	rc     io.ReadCloser
	full   chan []byte
	free   chan []byte
	done   chan struct{}
	wg     sync.WaitGroup
	err    error // set before full is closed
	cur    []byte
	curBuf []byte
	closed bool
}

const (
	prefetchChunk = 256 << 10
	prefetchDepth = 4
)

func newPrefetch(ctx context.Context, rc io.ReadCloser) *prefetch {
	p := &prefetch{
		rc:   rc,
		full: make(chan []byte, prefetchDepth),
		free: make(chan []byte, prefetchDepth),
		done: make(chan struct{}),
	}
	for range prefetchDepth {
		p.free <- make([]byte, prefetchChunk)
	}
	p.wg.Add(1)
	go p.run(ctx)
	return p
}

func (p *prefetch) run(ctx context.Context) {
	defer p.wg.Done()
	defer close(p.full)
	for {
		var buf []byte
		select {
		case buf = <-p.free:
		case <-p.done:
			return
		case <-ctx.Done():
			p.err = ctx.Err()
			return
		}
		n, err := io.ReadFull(p.rc, buf)
		if n > 0 {
			select {
			case p.full <- buf[:n]:
			case <-p.done:
				return
			}
		}
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			p.err = err
			return
		}
	}
}

func (p *prefetch) Read(b []byte) (int, error) {
	for len(p.cur) == 0 {
		if p.curBuf != nil {
			p.free <- p.curBuf[:cap(p.curBuf)]
			p.curBuf = nil
		}
		buf, ok := <-p.full
		if !ok {
			return 0, p.err
		}
		p.cur, p.curBuf = buf, buf
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

// Close stops the reader goroutine and closes the part.
func (p *prefetch) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	close(p.done)
	p.wg.Wait()
	return p.rc.Close()
}
