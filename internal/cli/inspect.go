package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/source"
)

const inspectUsage = `Usage: laborcheck inspect [-sheet NAME] [-rows N] [-password PW] [-map FILE] FILE

Shows, for each sheet of FILE, the header row laborcheck found, the field
each column maps to (or "unmapped"), and the first rows' values as they were
read. Use it to check a new roster before scanning it.
`

func runInspect(ctx context.Context, ui *ui, args []string) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(ui.err)
	fs.Usage = func() { fmt.Fprint(ui.err, inspectUsage) }
	sheet := fs.String("sheet", "", "")
	password := fs.String("password", "", "")
	rows := fs.Int("rows", 3, "")
	mapFile := fs.String("map", "", "")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitCannotRun
	}
	if len(paths) != 1 {
		ui.errorf("inspect takes one file")
		fmt.Fprint(ui.err, inspectUsage)
		return ExitCannotRun
	}
	schema, ok := schemaFor(ui, *mapFile)
	if !ok {
		return ExitCannotRun
	}
	samples := map[string][]*contract.Contract{}
	var issues []contract.DataIssue
	type cellKey struct {
		sheet string
		row   int
		field string
	}
	bad := map[cellKey]bool{}
	in, err := source.Read(ctx, paths[0], source.Options{Schema: schema, Sheet: *sheet, Password: *password, MaxRows: *rows},
		func(c *contract.Contract, is []contract.DataIssue) error {
			samples[c.Sheet] = append(samples[c.Sheet], c)
			issues = append(issues, is...)
			for _, i := range is {
				bad[cellKey{i.Sheet, i.Row, i.Field}] = true
			}
			return nil
		})
	if err != nil {
		ui.errorf("%v", err)
		return ExitCannotRun
	}
	fmt.Fprintf(ui.out, "%s", in.Path)
	if in.Format != "" {
		fmt.Fprintf(ui.out, " (%s)", in.Format)
	}
	fmt.Fprintf(ui.out, "\nsha256 %s\n", in.SHA256)
	for _, n := range in.Notes {
		fmt.Fprintf(ui.out, "note: %s\n", n)
	}
	if in.Err != nil {
		ui.errorf("%s: %v", in.Path, in.Err)
		var fe *source.FileError
		if errors.As(in.Err, &fe) && fe.Hint != "" {
			ui.hint("%s", fe.Hint)
		}
		return ExitIncomplete
	}
	code := ExitOK
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
			fmt.Fprintf(ui.out, "  could not be read: %v\n", s.Err)
			code = ExitIncomplete
			continue
		case s.Skipped != "":
			fmt.Fprintf(ui.out, "  skipped: %s\n", s.Skipped)
			continue
		}
		fmt.Fprintf(ui.out, "  header row %d\n", s.HeaderRow)
		rowsOf := samples[s.Name]
		tw := tabwriter.NewWriter(ui.out, 0, 4, 2, ' ', 0)
		fmt.Fprint(tw, "  COLUMN\tHEADER\tFIELD\tTYPE")
		for _, c := range rowsOf {
			fmt.Fprintf(tw, "\tROW %d", c.Row)
		}
		fmt.Fprintln(tw)
		for _, col := range s.Columns {
			field, typ := "unmapped", ""
			if col.Field != nil {
				field, typ = col.Field.Name, col.Field.Type.String()
				if col.Duplicate {
					field += " (duplicate, ignored)"
				}
				if col.Hints.Currency != "" {
					typ += " " + col.Hints.Currency
				}
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s", col.Letter, oneLine(col.Header), field, typ)
			for _, c := range rowsOf {
				cell := ""
				if col.Field != nil && !col.Duplicate {
					v := c.Value(col.Field.Index)
					switch {
					case v.Present:
						cell = v.Display(col.Field.Type)
					case bad[cellKey{c.Sheet, c.Row, col.Field.Name}]:
						cell = "! " + oneLine(v.Raw) // unreadable: listed below
					case v.Raw != "":
						cell = "(blank: " + oneLine(v.Raw) + ")"
					}
				}
				fmt.Fprintf(tw, "\t%s", cell)
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
		for _, n := range s.Notes {
			fmt.Fprintf(ui.out, "  note: %s\n", n)
		}
	}
	if len(issues) > 0 {
		fmt.Fprintln(ui.out, "\ncells that could not be read (marked !; the field is treated as blank):")
		for _, is := range issues {
			fmt.Fprintf(ui.out, "  %s\n", is.Error())
		}
	}
	return code
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}
