package cli

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTuneMemory: laborcheck's collector settings apply unless the user
// set GOGC or GOMEMLIMIT, which then decide alone.
func TestTuneMemory(t *testing.T) {
	restore := func() {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	}
	t.Cleanup(restore)

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	restore()
	stop := TuneMemory()
	stop()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GOGC = %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != memoryLimit {
		t.Errorf("memory limit = %d, want %d", got, memoryLimit)
	}

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv(env, "150")
			restore()
			TuneMemory()()
			if got := debug.SetGCPercent(100); got != 100 {
				t.Errorf("with %s set, GOGC = %d, want it left at 100", env, got)
			}
			if got := debug.SetMemoryLimit(math.MaxInt64); got != math.MaxInt64 {
				t.Errorf("with %s set, memory limit = %d, want none", env, got)
			}
		})
	}
}
