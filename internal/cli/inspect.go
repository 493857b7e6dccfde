package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/source"
)

const inspectUsage = `Usage: laborcheck inspect [flags] PATH...

Shows how laborcheck reads the rosters at PATH (files or folders, as for
scan): for each sheet, the header row found, the field each column is read
into and how the header was matched, any conversion applied (a currency, a
unit, an inverted yes/no question), the next best field, and for columns
left unmapped the closest fields. The first rows' values are shown as they
were read. Use it to check new rosters before scanning them, and
-write-map to start a mapping file for them.

Flags:
  -sheet NAME       read only this sheet of each workbook
  -rows N           sample rows shown per sheet (default 3)
  -map FILE         a mapping file, as for scan: your own header spellings
                    and cell wordings
  -vocab FILE       a header vocabulary of your own, as for scan; repeatable
  -date-order ORDER how to read dates like 03/04/2024 when a column does not
                    decide it: day-first or month-first
  -password PW      password for encrypted workbooks
  -write-map FILE   also write a mapping file (YAML) for these rosters: each
                    header with the field it was matched to, and the
                    unmapped headers commented out with their closest
                    fields; edit it and pass it to scan with -map. An
                    existing file is not replaced unless -force is given
  -force            let -write-map replace an existing file

Examples:
  laborcheck inspect samples/garment-factory.xlsx
  laborcheck inspect -date-order day-first rosters/
  laborcheck inspect -write-map map.yaml rosters/
  laborcheck scan -map map.yaml rosters/
`

func runInspect(ctx context.Context, ui *ui, args []string) int {
	fs := newFlags("inspect")
	sheet := fs.String("sheet", "", "")
	password := fs.String("password", "", "")
	rows := fs.Int("rows", 3, "")
	mapFile := fs.String("map", "", "")
	var vocabFiles multiFlag
	fs.Var(&vocabFiles, "vocab", "")
	dateOrder := fs.String("date-order", "", "")
	writeMap := fs.String("write-map", "", "")
	force := fs.Bool("force", false, "")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError(ui, fs, err, inspectUsage, "inspect")
	}
	order, ok := parseDateOrder(ui, *dateOrder)
	if !ok {
		return ExitCannotRun
	}
	if *rows < 0 {
		ui.errorf("-rows must be 0 or more")
		return ExitCannotRun
	}
	if len(paths) == 0 {
		ui.errorf("no roster to inspect")
		ui.hint("name files or folders, e.g. laborcheck inspect samples/")
		return ExitCannotRun
	}
	if *writeMap != "" && !*force {
		if _, err := os.Lstat(*writeMap); err == nil {
			ui.errorf("-write-map %s: the file exists", safe(*writeMap))
			ui.hint("add -force to replace it, or name another file")
			return ExitCannotRun
		}
	}
	vocab, schema, _, ok := loadVocabulary(ui, vocabFiles, contract.DefaultSchema())
	if !ok {
		return ExitCannotRun
	}
	m, ok := loadMapping(ui, *mapFile, schema)
	if !ok {
		return ExitCannotRun
	}
	files, ok := rosterFiles(ui, "inspect", paths)
	if !ok {
		return ExitCannotRun
	}

	opts := source.Options{Schema: schema, Sheet: *sheet, Password: *password, DateOrder: order, MaxRows: *rows, Vocabulary: vocab}
	m.apply(&opts)
	draft := newMapDraft()
	var unreadable, sheetsUnreadable int
	for i, path := range files {
		if i > 0 {
			fmt.Fprintln(ui.out)
		}
		in, err := inspectFile(ctx, ui, path, opts)
		if err != nil {
			ui.errorf("%s: %v", safe(path), err)
			return ExitCannotRun
		}
		if in.Err != nil {
			unreadable++
			continue
		}
		tables := false
		for _, s := range in.Sheets {
			if s.Err != nil {
				sheetsUnreadable++
			}
			tables = tables || len(s.Columns) > 0
			draft.add(s.Columns)
		}
		if tables {
			draft.sources = append(draft.sources, path)
		}
	}
	code := readOutcome(len(files), unreadable, sheetsUnreadable)
	if code == ExitCannotRun {
		ui.errorf("no input could be read")
		return code
	}
	if *writeMap != "" {
		if err := writeFileAtomic(*writeMap, draft.bytes()); err != nil {
			ui.errorf("-write-map: %v", err)
			return ExitCannotRun
		}
		fmt.Fprintf(ui.out, "\nwrote %s\n", safe(*writeMap))
	}
	return code
}

// inspectFile prints how one file is read. The error result is Read's:
// cancellation, never the file's own problems, which are printed.
func inspectFile(ctx context.Context, ui *ui, path string, opts source.Options) (*source.Input, error) {
	samples := map[string][]*contract.Contract{}
	var issues []contract.DataIssue
	type cellKey struct {
		sheet string
		row   int
		field string
	}
	bad := map[cellKey]bool{}
	in, err := source.Read(ctx, path, opts, func(c *contract.Contract, is []contract.DataIssue) error {
		samples[c.Sheet] = append(samples[c.Sheet], c)
		issues = append(issues, is...)
		for _, i := range is {
			bad[cellKey{i.Sheet, i.Row, i.Field}] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(ui.out, "%s", safe(in.Path))
	if in.Format != "" {
		fmt.Fprintf(ui.out, " (%s)", in.Format)
	}
	fmt.Fprintln(ui.out)
	if in.SHA256 != "" {
		fmt.Fprintf(ui.out, "sha256 %s\n", in.SHA256)
	}
	for _, n := range in.Notes {
		fmt.Fprintf(ui.out, "note: %s\n", safe(n))
	}
	if in.Err != nil {
		ui.errorf("%s: %s", safe(in.Path), safe(in.Err.Error()))
		var fe *source.FileError
		if errors.As(in.Err, &fe) && fe.Hint != "" {
			ui.hint("%s", safe(fe.Hint))
		}
		return in, nil
	}
	for _, s := range in.Sheets {
		name := s.Name
		if name == "" {
			name = "(csv)"
		}
		fmt.Fprintf(ui.out, "\nsheet %q", name)
		if s.Hidden {
			fmt.Fprint(ui.out, " (hidden)")
		}
		fmt.Fprintln(ui.out)
		switch {
		case s.Err != nil:
			fmt.Fprintf(ui.out, "  could not be read: %s\n", safe(s.Err.Error()))
			ui.errorf("%s: sheet %q: %s", safe(in.Path), s.Name, safe(s.Err.Error()))
			continue
		case s.Skipped != "":
			fmt.Fprintf(ui.out, "  skipped: %s\n", safe(s.Skipped))
			continue
		}
		fmt.Fprintf(ui.out, "  header row %d\n", s.HeaderRow)
		rowsOf := samples[s.Name]
		tw := tabwriter.NewWriter(ui.out, 0, 4, 2, ' ', 0)
		fmt.Fprint(tw, "  COLUMN\tHEADER\tFIELD\tTYPE\tMATCH")
		for _, c := range rowsOf {
			fmt.Fprintf(tw, "\tROW %d", c.Row)
		}
		fmt.Fprintln(tw)
		var details []string
		for _, col := range s.Columns {
			field, typ := "unmapped", ""
			if col.Field != nil {
				field, typ = col.Field.Name, col.Field.Type.String()
				if col.Duplicate {
					field += " (duplicate, ignored)"
				}
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s", safe(col.Letter), oneLine(col.Header), field, typ, matchText(col))
			for _, c := range rowsOf {
				cell := ""
				if col.Field != nil && !col.Duplicate {
					v := c.Value(col.Field.Index)
					switch {
					case v.Present:
						cell = oneLine(v.Display(col.Field.Type))
					case bad[cellKey{c.Sheet, c.Row, col.Field.Name}]:
						cell = "! " + oneLine(v.Raw) // unreadable: listed below
					case v.Raw != "":
						cell = "(blank: " + oneLine(v.Raw) + ")"
					}
				}
				fmt.Fprintf(tw, "\t%s", cell)
			}
			fmt.Fprintln(tw)
			if d := columnDetails(col); len(d) > 0 {
				details = append(details, fmt.Sprintf("    %s %s: %s", safe(col.Letter), oneLine(col.Header), strings.Join(d, "; ")))
			}
		}
		tw.Flush()
		if len(details) > 0 {
			fmt.Fprintln(ui.out, "  how columns were read:")
			for _, d := range details {
				fmt.Fprintln(ui.out, d)
			}
		}
		for _, n := range s.Notes {
			fmt.Fprintf(ui.out, "  note: %s\n", safe(n))
		}
	}
	if len(issues) > 0 {
		fmt.Fprintln(ui.out, "\ncells that could not be read (marked !; the field is treated as blank):")
		for _, is := range issues {
			fmt.Fprintf(ui.out, "  %s\n", safe(is.Error()))
		}
	}
	return in, nil
}

// matchText says how a column was matched, for the MATCH column: the
// method, with the strength of the evidence when it was less than certain
// ("words 0.82").
func matchText(col source.Column) string {
	if col.Field == nil || col.Match.Method == "" {
		return ""
	}
	if s := col.Match.Score; s > 0 && s < 1 {
		return fmt.Sprintf("%s %.2f", col.Match.Method, s)
	}
	return string(col.Match.Method)
}

// columnDetails says what else there is to know about how a column was
// read: for a mapped column, the conversions its cells go through and the
// next best field; for an unmapped one, the closest fields. Every part is
// fit for a terminal.
func columnDetails(col source.Column) []string {
	var d []string
	if col.Field != nil {
		if c := col.Match.Conversion; c != "" {
			d = append(d, oneLineAll(c))
		}
		if c := col.Hints.Currency; c != "" {
			d = append(d, "currency "+safe(c))
		}
		if col.Hints.Invert {
			d = append(d, "inverted (the header asks the opposite: a yes reads as no)")
		}
		if col.Hints.Yes != "" || col.Hints.No != "" {
			d = append(d, fmt.Sprintf("yes → %s / no → %s", orBlank(col.Hints.Yes), orBlank(col.Hints.No)))
		}
		if r := col.Match.RunnerUp; r != nil && r.Field != nil {
			if r.Score > 0 {
				d = append(d, fmt.Sprintf("runner-up %s %.2f", r.Field.Name, r.Score))
			} else {
				d = append(d, "runner-up "+r.Field.Name)
			}
		}
	} else if len(col.Match.Suggestions) > 0 {
		names := make([]string, 0, len(col.Match.Suggestions))
		for _, f := range col.Match.Suggestions {
			if f != nil {
				names = append(names, f.Name)
			}
		}
		if len(names) > 0 {
			d = append(d, "closest: "+strings.Join(names, ", "))
		}
	}
	if r := col.Match.Reason; r != "" {
		d = append(d, oneLineAll(r))
	}
	return d
}

// oneLineAll is oneLine without the cut: for explanations, which are read
// whole.
func oneLineAll(s string) string { return safe(strings.Join(strings.Fields(s), " ")) }

func orBlank(s string) string {
	if s == "" {
		return "(blank)"
	}
	return safe(s)
}
