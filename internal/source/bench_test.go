package source

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// bigRoster writes a roster of n rows × 12 columns with excelize's stream
// writer: shared strings off (inline), dates, numbers and text.
func bigRoster(b *testing.B, n int) string {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	header := []any{"Employee ID", "Name", "Passport No", "DOB", "Start Date", "Basic Salary", "Recruitment Fee (USD)",
		"Weekly Hours", "Passport Held By", "Nationality", "Job Title", "Notes"}
	if err := sw.SetRow("A1", header); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{fmt.Sprintf("E%06d", i), fmt.Sprintf("Worker %d", i), fmt.Sprintf("P%08d", i*7),
			excelize.Cell{StyleID: dateStyle, Value: time.Date(1980+i%20, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)},
			excelize.Cell{StyleID: dateStyle, Value: time.Date(2020+i%4, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)},
			1000 + float64(i%500) + 0.5, i % 3 * 100, 48 + i%20, []string{"worker", "employer", "agent"}[i%3], "Nepal", "Operator", "ok"}
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "big.xlsx")
	if err := f.SaveAs(p); err != nil {
		b.Fatal(err)
	}
	return p
}

func BenchmarkReadXLSX(b *testing.B) {
	p := bigRoster(b, 50000)
	schema := contract.DefaultSchema()
	b.ResetTimer()
	for range b.N {
		n := 0
		in, err := Read(context.Background(), p, Options{Schema: schema}, func(*contract.Contract, []contract.DataIssue) error { n++; return nil })
		if err != nil || in.Err != nil || n != 50000 {
			b.Fatalf("Read = %v, %v, %d contracts", err, in.Err, n)
		}
	}
}

func BenchmarkExcelizeRows(b *testing.B) {
	p := bigRoster(b, 50000)
	b.ResetTimer()
	for range b.N {
		f, err := excelize.OpenFile(p)
		if err != nil {
			b.Fatal(err)
		}
		rows, _ := f.Rows("Sheet1")
		for rows.Next() {
			_, _ = rows.Columns(excelize.Options{RawCellValue: true})
		}
		rows.Close()
		f.Close()
	}
}
