package contract

import (
	"fmt"
	"strings"
	"testing"
)

// A reference table (minimum wages, an entity list) of more rows than a
// table may have is refused, naming the limit.
func TestReadTableRowLimit(t *testing.T) {
	defer func(n int) { tableRowLimit = n }(tableRowLimit)
	tableRowLimit = 5
	var b strings.Builder
	b.WriteString("country,year,monthly_amount\n")
	for i := range 10 {
		fmt.Fprintf(&b, "C%d,2024,%d\n", i, i)
	}
	if _, err := ReadTable([]byte(b.String())); err == nil || !strings.Contains(err.Error(), "more than 5 rows") {
		t.Errorf("ReadTable = %v", err)
	}
	if _, err := ReadMinimumWages(strings.NewReader(b.String())); err == nil || !strings.Contains(err.Error(), "more than 5 rows") {
		t.Errorf("ReadMinimumWages = %v", err)
	}
	tableRowLimit = 11
	if rows, err := ReadTable([]byte(b.String())); err != nil || len(rows) != 11 {
		t.Errorf("ReadTable = %d rows, %v", len(rows), err)
	}
}
