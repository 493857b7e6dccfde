package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"
)

func TestExploreCorpus(t *testing.T) {
	if os.Getenv("EXPLORE") == "" {
		t.Skip()
	}
	files, _ := filepath.Glob("../../../shared/corpus/*")
	schema := contract.DefaultSchema()
	for _, p := range files {
		if filepath.Ext(p) == ".md" || filepath.Base(p) == "SOURCES.tsv" {
			continue
		}
		start := time.Now()
		n := 0
		in, err := Read(context.Background(), p, Options{Schema: schema}, func(c *contract.Contract, is []contract.DataIssue) error { n++; return nil })
		line := fmt.Sprintf("%-55s %-5s %6s n=%d", filepath.Base(p), in.Format, time.Since(start).Round(time.Millisecond), n)
		if err != nil {
			line += " ERR " + err.Error()
		}
		if in.Err != nil {
			var fe *FileError
			errors.As(in.Err, &fe)
			line += fmt.Sprintf(" FILEERR[%v] %s | hint: %s", fe.Kind, fe.Reason, fe.Hint)
		}
		for _, nn := range in.Notes {
			line += " NOTE:" + nn
		}
		fmt.Println(line)
		for _, s := range in.Sheets {
			fmt.Printf("    sheet %q hdr=%d rows=%d hidden=%v skipped=%q err=%v notes=%q\n", s.Name, s.HeaderRow, s.Rows, s.Hidden, s.Skipped, s.Err, s.Notes)
		}
	}
}
