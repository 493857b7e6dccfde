package scan

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/report"
)

var update = flag.Bool("update", false, "convert the rosters again with LibreOffice and rewrite the .xls and .ods copies in testdata")

// formatRosters are the workbooks kept in testdata as saved by LibreOffice
// from their .xlsx: the planted roster and the rosters as written.
var formatRosters = []string{
	"testdata/formats/planted",
	"testdata/rosters/electronics-factory",
	"testdata/rosters/construction-subcontractor",
}

// verdict is what a review says of one roster, in terms that do not depend
// on the file's format: each contract's row, status and rules fired, the
// data issues, and each sheet's mapping.
func verdict(t *testing.T, path string) string {
	t.Helper()
	rep, err := Run(context.Background(), []string{path}, options(t, 2))
	require.NoError(t, err)
	require.Len(t, rep.Inputs, 1)
	in := rep.Inputs[0]
	require.Nil(t, in.Error, "%s could not be read", path)
	var b strings.Builder
	fired := map[string][]string{}
	for _, f := range rep.Findings {
		key := fmt.Sprintf("%s:%d", f.Sheet, f.Row)
		if f.Scope == report.ScopeSupplier {
			key = "supplier " + f.Supplier
		}
		var ev []string
		for k, e := range f.Evidence {
			ev = append(ev, fmt.Sprintf("%s=%v (%q %s)", k, e.Value, e.Raw, e.Column))
		}
		slices.Sort(ev)
		fired[key] = append(fired[key], f.RuleID+" "+f.Message+" "+strings.Join(ev, ", "))
	}
	for _, c := range rep.Contracts {
		key := fmt.Sprintf("%s:%d", c.Sheet, c.Row)
		rules := fired[key]
		slices.Sort(rules)
		fmt.Fprintf(&b, "contract %s %s %s missing=%v\n", key, c.ContractID, c.Status, c.Missing)
		for _, r := range rules {
			fmt.Fprintf(&b, "  %s\n", r)
		}
	}
	var sup []string
	for k, rules := range fired {
		if strings.HasPrefix(k, "supplier ") {
			slices.Sort(rules)
			sup = append(sup, k+": "+strings.Join(rules, "; "))
		}
	}
	slices.Sort(sup)
	for _, s := range sup {
		fmt.Fprintln(&b, s)
	}
	for _, d := range rep.DataIssues {
		fmt.Fprintf(&b, "issue %s:%d %s %s %q %s\n", d.Sheet, d.Row, d.Column, d.Field, d.Value, d.Problem)
	}
	for _, s := range in.Sheets {
		fmt.Fprintf(&b, "sheet %q header %d rows %d skipped %q notes %q\n", s.Name, s.HeaderRow, s.Rows, s.Skipped, s.Notes)
		for _, m := range s.Mapped {
			fmt.Fprintf(&b, "  %s %s %s\n", m.Field, m.Method, m.Conversion)
		}
	}
	return b.String()
}

// TestFormatsAgree reviews each roster as .xlsx and as the .xls and .ods
// LibreOffice saves from it: the same contracts, findings, data issues and
// column mappings come out of each.
func TestFormatsAgree(t *testing.T) {
	if *update {
		regenerateFormats(t)
	}
	for _, base := range formatRosters {
		t.Run(filepath.Base(base), func(t *testing.T) {
			want := verdict(t, base+".xlsx")
			require.Contains(t, want, "contract ")
			for _, ext := range []string{".xls", ".ods"} {
				got := verdict(t, base+ext)
				require.Equal(t, want, got, "%s%s reviewed differently from its .xlsx", base, ext)
			}
		})
	}
}

// TestPlantedFormats checks the planted roster's LibreOffice copies
// against what a reviewer says of each of its contracts, as
// TestPlantedRoster does for the .xlsx and CSV.
func TestPlantedFormats(t *testing.T) {
	cases := plantedCases()
	for _, ext := range []string{".xls", ".ods"} {
		t.Run(ext, func(t *testing.T) {
			rep, err := Run(context.Background(), []string{"testdata/formats/planted" + ext}, options(t, 2))
			require.NoError(t, err)
			require.Len(t, rep.Contracts, len(cases))
			fired := map[int][]string{}
			for _, f := range rep.Findings {
				if f.Scope != report.ScopeSupplier {
					fired[f.Row] = append(fired[f.Row], f.RuleID)
				}
			}
			for i, c := range cases {
				ct := rep.Contracts[i]
				got := fired[ct.Row]
				ok := ct.Status == c.status
				for _, r := range c.rules {
					ok = ok && slices.Contains(got, r)
				}
				if c.status == report.StatusClear {
					ok = ok && len(got) == 0
				}
				if !ok {
					t.Errorf("row %d %q: status %s, rules %v; want %s with %v", ct.Row, c.name, ct.Status, got, c.status, c.rules)
				}
			}
		})
	}
}

// TestFormatsFresh converts the rosters with the LibreOffice installed
// here and checks that today's conversions are reviewed as the kept copies
// are. It is skipped where soffice is absent.
func TestFormatsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("converting with LibreOffice is slow: skipped in -short mode")
	}
	if _, err := exec.LookPath("soffice"); err != nil {
		t.Skip("soffice (LibreOffice) is not installed")
	}
	dir := t.TempDir()
	for _, base := range formatRosters {
		for _, ext := range []string{"xls", "ods"} {
			out := convert(t, base+".xlsx", ext, dir)
			require.Equal(t, verdict(t, base+"."+ext), verdict(t, out), "a fresh %s of %s", ext, base)
		}
	}
}

// regenerateFormats writes the planted roster's .xlsx and every roster's
// .xls and .ods copies into testdata.
func regenerateFormats(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("soffice"); err != nil {
		t.Fatal("-update needs soffice (LibreOffice)")
	}
	require.NoError(t, os.MkdirAll("testdata/formats", 0o755))
	tmp := t.TempDir()
	_, xlsx := writePlanted(t, tmp)
	data, err := os.ReadFile(xlsx)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile("testdata/formats/planted.xlsx", data, 0o644))
	for _, base := range formatRosters {
		for _, ext := range []string{"xls", "ods"} {
			out := convert(t, base+".xlsx", ext, tmp)
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(base+"."+ext, data, 0o644))
		}
	}
}

// convert saves a workbook as ext with LibreOffice, in dir.
func convert(t *testing.T, src, ext, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(src)
	require.NoError(t, err)
	cmd := exec.Command("soffice", "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", ext, "--outdir", dir, abs)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "soffice: %s", out)
	path := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), ".xlsx")+"."+ext)
	_, err = os.Stat(path)
	require.NoError(t, err, "soffice wrote no %s: %s", path, out)
	return path
}
