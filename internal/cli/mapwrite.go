package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/source"
)

// mapDraft is the mapping file inspect -write-map writes: every header of
// the inspected rosters, matched or not, once each.
type mapDraft struct {
	sources  []string
	mapped   []draftLine
	unmapped []draftLine
	seen     map[string]bool // folded headers already listed
}

type draftLine struct {
	header, field, note string
}

func newMapDraft() *mapDraft { return &mapDraft{seen: map[string]bool{}} }

// add lists a sheet's columns. A header already listed (as folded for
// matching) keeps its first reading; a header matched in one sheet is not
// listed as unmapped from another.
func (d *mapDraft) add(cols []source.Column) {
	for _, col := range cols {
		key := contract.NormalizeHeader(col.Header)
		if key == "" || d.seen[key] || col.Field == nil {
			continue
		}
		d.seen[key] = true
		note := string(col.Match.Method)
		if note == "" {
			note = "matched"
		}
		if s := col.Match.Score; s > 0 && s < 1 {
			note += fmt.Sprintf(" %.2f", s)
		}
		d.mapped = append(d.mapped, draftLine{header: col.Header, field: col.Field.Name, note: note})
	}
	for _, col := range cols {
		key := contract.NormalizeHeader(col.Header)
		if key == "" || d.seen[key] || col.Field != nil {
			continue
		}
		d.seen[key] = true
		var names []string
		for _, f := range col.Match.Suggestions {
			if f != nil {
				names = append(names, f.Name)
			}
		}
		note := ""
		if len(names) > 0 {
			note = "closest: " + strings.Join(names, ", ")
		}
		if r := strings.Join(strings.Fields(col.Match.Reason), " "); r != "" {
			if note != "" {
				note += "; "
			}
			note += r
		}
		d.unmapped = append(d.unmapped, draftLine{header: col.Header, note: note})
	}
}

const draftHeadersHelp = `# headers: each header of your rosters and the field it is read into. The
# comment after each line says how laborcheck matched it. Correct any field
# that is wrong, and delete the lines you want laborcheck to match by
# itself. Headers match ignoring case, spacing and punctuation.
#
# Lines that start with "#" are columns laborcheck left unmapped. To read
# one, remove the "#" and write its field in place of "?";
# 'laborcheck rules list -fields' lists the fields.
`

const draftValuesHelp = `
# values: cell wordings of your rosters and the value each stands for. Under
# a field's name, write a cell text and the value to read instead. Texts
# match ignoring case, spacing and punctuation; your values win over how
# laborcheck reads the cell itself. A field with a list of values takes one
# of them (see 'laborcheck rules list -fields'), a yes/no field "yes" or
# "no", a number field a number. For example:
#
#   passport_held_by:
#     Block C desk: employer
#   employer_provided_housing:
#     Barracks: "yes"
#   rest_days_per_week:
#     Every other Sunday: 0.5
values:
`

// bytes renders the draft as a mapping file.
func (d *mapDraft) bytes() []byte {
	var b bytes.Buffer
	b.WriteString("# laborcheck mapping file: how the headers and cell wordings of your\n")
	b.WriteString("# rosters are read. Written by 'laborcheck inspect -write-map' from:\n")
	for _, s := range d.sources {
		fmt.Fprintf(&b, "#   %s\n", comment(s))
	}
	b.WriteString("# Use it with: laborcheck scan -map FILE ROSTER...\n#\n")
	b.WriteString(draftHeadersHelp)
	b.WriteString("headers:\n")
	for _, l := range d.mapped {
		b.WriteString(headerLine("  ", l.header, l.field, l.note))
	}
	for _, l := range d.unmapped {
		b.WriteString(headerLine("#  ", l.header, "?", l.note))
	}
	b.WriteString(draftValuesHelp)
	return b.Bytes()
}

// headerLine writes one "header: field  # note" line of the headers
// section, each line starting with prefix. YAML allows keys of at most 1024
// characters on one line; a longer header is written as an explicit key
// ("? header" then ": field").
func headerLine(prefix, header, field, note string) string {
	key := yamlKey(header)
	var line string
	if len(key) > 1000 {
		line = prefix + "? " + key + "\n" + prefix + ": " + field
	} else {
		line = prefix + key + ": " + field
	}
	if note != "" {
		line += "  # " + comment(note)
	}
	return line + "\n"
}

// comment makes text fit on one comment line.
func comment(s string) string { return safe(strings.Join(strings.Fields(s), " ")) }

// plainKey is header text that YAML reads as itself unquoted: it starts
// with a letter or digit and holds nothing YAML gives a meaning to.
var plainKey = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}\p{M} ()/.,&%'+_-]*$`)

// yamlKey writes header text as a YAML mapping key: plain when YAML reads
// it back as the same text, else double-quoted with escapes (colons,
// "#", quotes, line breaks, "yes", "2024").
func yamlKey(s string) string {
	if plainKey.MatchString(s) && !strings.HasSuffix(s, " ") {
		switch strings.ToLower(s) {
		case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		default:
			var n yaml.Node
			if yaml.Unmarshal([]byte(s), &n) == nil && len(n.Content) == 1 {
				if v := n.Content[0]; v.Kind == yaml.ScalarNode && v.Tag == "!!str" && v.Value == s {
					return s
				}
			}
		}
	}
	// Go's escapes (\n, \t, \", \\, \xNN, \uNNNN, \UNNNNNNNN) are YAML's
	// too, for valid UTF-8.
	return strconv.Quote(strings.ToValidUTF8(s, "\uFFFD"))
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, renamed into place once complete: path is never left half
// written.
func writeFileAtomic(path string, data []byte) (err error) {
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
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
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
