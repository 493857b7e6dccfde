package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/template"
)

// fillTemplate fills rows data rows of the template at path the way a
// supplier's script would, from the workbook's own data validation: the
// first entry of each dropdown, a number within range, a date, a currency
// code, and for a text column the example the template gives.
func fillTemplate(t *testing.T, path string, rows int, examples map[string]string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	dvs, err := f.GetDataValidations(sheet)
	if err != nil {
		t.Fatal(err)
	}
	header, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	heads := header[template.HeaderRow-1]
	for _, dv := range dvs {
		col := strings.TrimRight(strings.Split(dv.Sqref, ":")[0], "0123456789")
		n, err := excelize.ColumnNameToNumber(col)
		if err != nil {
			t.Fatal(err)
		}
		head := heads[n-1]
		for r := 0; r < rows; r++ {
			cell := fmt.Sprintf("%s%d", col, template.FirstDataRow+r)
			var v any
			switch dv.Type {
			case "list":
				v = strings.Split(strings.Trim(dv.Formula1, `"`), ",")[0]
			case "date":
				v = time.Date(2024, 1, 15+r, 0, 0, 0, 0, time.UTC)
			case "decimal", "whole":
				v = 1 + r
			case "textLength":
				if dv.Formula1 == "3" {
					v = "USD"
				} else {
					ex := examples[head]
					if ex == "" {
						t.Fatalf("no example for text column %q", head)
					}
					v = fmt.Sprintf("%s-%d", ex, r+1)
				}
			default:
				t.Fatalf("column %s (%s): validation %q", col, head, dv.Type)
			}
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(dvs) != len(heads) {
		t.Fatalf("%d validations for %d columns", len(dvs), len(heads))
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// scanJSON scans paths with extra flags and returns the JSON report and
// the exit code.
func scanJSON(t *testing.T, dir string, args ...string) (map[string]any, int, string) {
	t.Helper()
	out := filepath.Join(dir, "report.json")
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), append([]string{"scan", "-q", "-o", out}, args...), nil, &stdout, &stderr)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("scan %v: exit %d: %s", args, code, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return rep, code, stderr.String()
}

// TestTemplateFilledScans makes a template in every language, fills it in
// by script and scans it with the scan command: every column maps to the
// field it was made for, the help row above the header is neither a
// contract nor a data issue, and no cell is a data issue.
func TestTemplateFilledScans(t *testing.T) {
	const rows = 3
	schema := contract.DefaultSchema()
	prog, errs := loadRules(nil, schema)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, lang := range template.Languages() {
		t.Run(lang, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "roster.xlsx")
			var stdout, stderr bytes.Buffer
			if code := Main(context.Background(), []string{"template", "-lang", lang, "-o", path}, nil, &stdout, &stderr); code != ExitOK {
				t.Fatalf("template: exit %d: %s", code, stderr.String())
			}
			cols, err := template.Columns(template.Options{Schema: schema, Program: prog, Lang: lang})
			if err != nil {
				t.Fatal(err)
			}
			examples := map[string]string{}
			for _, c := range cols {
				examples[c.Header] = c.Example
			}
			if lang == "en" || lang == "zh" {
				openCopy(t, path) // LibreOffice opens the template
			}
			fillTemplate(t, path, rows, examples)
			check := func(path string) {
				t.Helper()
				rep, code, stderr2 := scanJSON(t, t.TempDir(), path)
				if code == ExitCannotRun || code == ExitIncomplete || code == ExitInternal {
					t.Fatalf("scan: exit %d: %s", code, stderr2)
				}
				sum := rep["summary"].(map[string]any)
				if n := sum["data_issues"].(float64); n != 0 {
					t.Errorf("%v data issues: %v", n, rep["data_issues"])
				}
				if n := sum["contracts"].(float64); n != rows {
					t.Errorf("%v contracts, want %d", n, rows)
				}
				in := rep["inputs"].([]any)[0].(map[string]any)
				var roster map[string]any
				for _, s := range in["sheets"].([]any) {
					sh := s.(map[string]any)
					if sh["error"] != nil {
						t.Errorf("sheet %v: %v", sh["name"], sh["error"])
					}
					if sh["skipped"] == nil || sh["skipped"] == "" {
						if roster != nil {
							t.Errorf("two sheets read as rosters")
						}
						roster = sh
					}
				}
				if roster == nil {
					t.Fatal("no roster sheet read")
				}
				if hr := roster["header_row"].(float64); hr != template.HeaderRow {
					t.Errorf("header row %v, want %d", hr, template.HeaderRow)
				}
				mapped := roster["mapped"].([]any)
				if len(mapped) != len(cols) {
					t.Errorf("%d columns mapped of %d", len(mapped), len(cols))
				}
				for i, m := range mapped {
					mc := m.(map[string]any)
					if i < len(cols) && (mc["field"] != cols[i].Field.Name || mc["header"] != cols[i].Header) {
						t.Errorf("column %v %q maps to %v, want %s", mc["column"], mc["header"], mc["field"], cols[i].Field.Name)
					}
					if conv, _ := mc["conversion"].(string); conv != "" {
						t.Errorf("column %q read with a conversion: %s", mc["header"], conv)
					}
				}
				if um, _ := roster["unmapped"].([]any); len(um) > 0 {
					t.Errorf("unmapped columns: %v", um)
				}
				for i, c := range rep["contracts"].([]any) {
					if row := c.(map[string]any)["row"].(float64); int(row) != template.FirstDataRow+i {
						t.Errorf("contract %d at row %v, want %d", i, row, template.FirstDataRow+i)
					}
					if st := c.(map[string]any)["status"]; st == "insufficient_data" {
						t.Errorf("contract %d: insufficient data: %v", i, c.(map[string]any)["missing"])
					}
				}
			}
			check(path)
			// Saved again by LibreOffice, as a supplier may, it still reads the same.
			if soffice, err := exec.LookPath("soffice"); err == nil && (lang == "en" || lang == "zh") {
				out := t.TempDir()
				cmd := exec.Command(soffice, "--headless", "--convert-to", "xlsx", "--outdir", out, path)
				cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
				if msg, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("LibreOffice: %v\n%s", err, msg)
				}
				check(filepath.Join(out, filepath.Base(path)))
			}
		})
	}
}
