package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/template"
)

const templateUsage = `Usage: laborcheck template [flags]

Writes a workbook for suppliers to fill in: one column for each contract
field the rules read, with headers in the chosen language that laborcheck
reads back, a help row saying what each column holds and which rules need
it, dropdowns for yes/no and lists of values, date and number formats with
validation, a protected header and an instructions sheet. A filled-in
template maps every column when scanned.

Flags:
  -o FILE          the workbook to write (.xlsx; default roster-template.xlsx)
  -lang CODE       the language of the headers, help and dropdowns
                   (default en): ` + "%s" + `
  -rules PATH      rule file or folder whose fields the template asks for;
                   repeatable, as for scan (default: the built-in pack)
  -contact TEXT    who asked for the roster (name, e-mail), for the
                   instructions sheet

Examples:
  laborcheck template -o roster.xlsx
  laborcheck template -lang es -contact "Ana Ruiz, ana@example.com" -o plantilla.xlsx
`

func templateHelp() string {
	return fmt.Sprintf(templateUsage, strings.Join(template.Languages(), ", "))
}

func runTemplate(ui *ui, args []string) int {
	fs := newFlags("template")
	var ruleFiles multiFlag
	fs.Var(&ruleFiles, "rules", "")
	out := fs.String("o", "roster-template.xlsx", "")
	lang := fs.String("lang", "en", "")
	contact := fs.String("contact", "", "")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return flagError(ui, fs, err, templateHelp(), "template")
	}
	if len(rest) > 0 {
		ui.errorf("template takes no paths (got %q)", rest[0])
		ui.hint("name the workbook to write with -o FILE")
		return ExitCannotRun
	}
	if template.LanguageName(*lang) == "" {
		ui.errorf("-lang %q: no template in that language", *lang)
		ui.hint("use one of: %s", strings.Join(template.Languages(), ", "))
		return ExitCannotRun
	}
	if ext := strings.ToLower(filepath.Ext(*out)); ext != ".xlsx" {
		ui.errorf("-o %s: the template is an .xlsx workbook", *out)
		ui.hint("name the file with .xlsx, e.g. -o roster-template.xlsx")
		return ExitCannotRun
	}
	schema := contract.DefaultSchema()
	prog, ok := loadProgram(ui, ruleFiles, schema)
	if !ok {
		return ExitCannotRun
	}
	opts := template.Options{Schema: schema, Program: prog, Lang: *lang, Contact: *contact, Version: version()}
	if err := writeAtomic(*out, func(w io.Writer) error { return template.Write(w, opts) }); err != nil {
		var ul *template.ErrUnknownLanguage
		if errors.As(err, &ul) {
			ui.errorf("-lang %q: no template in that language", ul.Code)
			return ExitCannotRun
		}
		ui.errorf("write template %s: %v", *out, err)
		return ExitCannotRun
	}
	fmt.Fprintf(ui.out, "wrote %s\n", safe(*out))
	return ExitOK
}

// writeAtomic writes a file through a temporary file in the same folder,
// renamed into place once whole: a failed write leaves no partial file and
// any earlier file as it was.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
