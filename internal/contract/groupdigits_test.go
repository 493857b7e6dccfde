package contract

import "testing"

func TestGroupDigits(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "999": "999", "1000": "1,000", "30000": "30,000", "1234567.25": "1,234,567.25",
		"-45000": "-45,000", "-12.5": "-12.5", "0.125": "0.125", "100000.5": "100,000.5",
	} {
		if got := GroupDigits(in); got != want {
			t.Errorf("GroupDigits(%q) = %q, want %q", in, got, want)
		}
	}
}
