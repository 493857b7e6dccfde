package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// BuiltinPath is the rule path that stands for the built-in pack, so that
// local files can layer over it: -rules builtin -rules local.yaml.
// "builtin:NAME" picks one file of the pack.
const BuiltinPath = "builtin"

// BuiltinPrefix names the built-in pack's files in positions and reports,
// e.g. builtin:recruitment.yaml.
const BuiltinPrefix = "builtin:"

// LoadOptions tune [Load].
type LoadOptions struct {
	// Builtin is the built-in rule pack, read for the path [BuiltinPath].
	// Nil means that path is an ordinary file name.
	Builtin fs.FS
	// Checks are the combinations and cross-row checks a scan runs beside
	// the rules (each with its Kind set). They come before every file, so
	// that files can override their severity and disable them like rules
	// of an earlier file; they end in Set.Checks or Set.Disabled, and are
	// never compiled. Load changes them: pass fresh ones to each call.
	Checks []*Rule
}

// Set is the effective rule set: the files in load order and the rules in
// effect after layering (overrides applied, disabled rules left out).
type Set struct {
	Files    []*File
	Rules    []*Rule
	Disabled []*Rule // rules a later file disabled, in load order, checks included
	// Checks are the combinations and cross-row checks in effect
	// (LoadOptions.Checks less those disabled), with their overrides.
	Checks []*Rule
	// Warnings are problems that do not stop a scan, such as an override
	// that changes nothing.
	Warnings Errors
}

// Digest is a sha256 over the rule files' digests, in order: the same files
// in the same order give the same digest. Lookup tables have digests of
// their own ([Table].SHA256).
func (s *Set) Digest() string {
	var b bytes.Buffer
	for _, f := range s.Files {
		b.WriteString(f.SHA256)
		b.WriteByte('\n')
	}
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:])
}

// Tables lists the lookup tables of every file, in load order.
func (s *Set) Tables() []*Table {
	var out []*Table
	for _, f := range s.Files {
		out = append(out, f.Tables...)
	}
	return out
}

// Load reads rule files from paths, in order; later files layer over
// earlier ones. A directory contributes its *.yaml and *.yml files in name
// order. Lookup tables are read relative to the file that declares them.
// It returns every problem in every file.
func Load(paths []string, opts LoadOptions) (*Set, Errors) {
	var files []*File
	var errs Errors
	for _, p := range paths {
		if opts.Builtin != nil && (p == BuiltinPath || strings.HasPrefix(p, BuiltinPrefix)) {
			fs, fe := loadFS(opts.Builtin, BuiltinPrefix, strings.TrimPrefix(strings.TrimPrefix(p, BuiltinPath), ":"))
			files = append(files, fs...)
			errs = append(errs, fe...)
			continue
		}
		names, err := expand(p)
		if err != nil {
			e := &Error{File: p, Msg: err.Error()}
			if opts.Builtin != nil && errors.Is(err, fs.ErrNotExist) && strings.EqualFold(strings.Trim(p, "/:"), BuiltinPath) {
				e.Hint = "the built-in pack is written " + BuiltinPath
			}
			errs = append(errs, e)
			continue
		}
		for _, name := range names {
			f, fe := ReadFile(name)
			errs = append(errs, fe...)
			if f == nil {
				continue
			}
			dir := filepath.Dir(name)
			errs = append(errs, f.loadTables(func(rel string) (string, []byte, error) {
				return readTableFile(dir, rel)
			})...)
			files = append(files, f)
		}
	}
	return newSet(files, errs, opts.Checks)
}

// Check returns the combination or cross-row check id of the set, enabled
// or disabled, or nil.
func (s *Set) Check(id string) *Rule {
	for _, l := range [][]*Rule{s.Checks, s.Disabled} {
		for _, r := range l {
			if r.ID == id && r.Kind != "" {
				return r
			}
		}
	}
	return nil
}

// newSet layers files already read with errors errs over checks, and adds
// a "no rules" error when nothing else went wrong but there is nothing to
// run.
func newSet(files []*File, errs Errors, checks []*Rule) (*Set, Errors) {
	set, se := layer(files, checks)
	errs = append(errs, se...)
	if len(set.Rules) == 0 && len(set.Disabled) == 0 && len(errs) == 0 && len(files) > 0 && !changesChecks(files) {
		errs = append(errs, &Error{File: files[0].Path, Msg: "no rules found", Hint: "list rules under `rules:`"})
	}
	return set, errs
}

// LoadFS reads every *.yaml and *.yml file at the top of fsys, in name order,
// naming each prefix+name in positions. The built-in pack loads this way.
func LoadFS(fsys fs.FS, prefix string) (*Set, Errors) {
	files, errs := loadFS(fsys, prefix, "")
	return newSet(files, errs, nil)
}

// loadFS reads the rule files at the top of fsys, or only the one named.
func loadFS(fsys fs.FS, prefix, only string) ([]*File, Errors) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, Errors{{File: prefix, Msg: err.Error()}}
	}
	var files []*File
	var errs Errors
	var all []string
	for _, e := range entries {
		if e.IsDir() || !isRuleFile(e.Name()) {
			continue
		}
		all = append(all, e.Name())
		if only != "" && e.Name() != only {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			errs = append(errs, &Error{File: prefix + e.Name(), Msg: err.Error()})
			continue
		}
		f, fe := Parse(prefix+e.Name(), data)
		errs = append(errs, fe...)
		errs = append(errs, f.loadTables(func(rel string) (string, []byte, error) {
			p := path.Join(path.Dir(e.Name()), rel)
			data, err := fs.ReadFile(fsys, p)
			return prefix + p, data, err
		})...)
		files = append(files, f)
	}
	if only != "" && len(files) == 0 && len(errs) == 0 {
		errs = append(errs, &Error{File: prefix + only, Msg: "the built-in pack has no such file",
			Hint: suggestOr(only, all, "its files: "+strings.Join(all, ", "))})
	}
	return files, errs
}

// loadTables reads the data file of every table f declares; read returns
// the name to show for a path relative to f, and the file's content.
func (f *File) loadTables(read func(rel string) (string, []byte, error)) Errors {
	var errs Errors
	for _, t := range f.Tables {
		display, data, err := read(filepath.ToSlash(t.File))
		if err != nil {
			msg := fmt.Sprintf("table %q: %v", t.Name, err)
			hint := "a table's file is named relative to the rule file that declares it"
			var tooLarge *TooLargeError
			switch {
			case errors.Is(err, fs.ErrNotExist):
				msg = fmt.Sprintf("table %q: no file %s", t.Name, display)
			case errors.Is(err, errOutside):
				hint = "keep tables in the rule file's folder or a folder inside it"
			case errors.As(err, &tooLarge):
				hint = "a table is reference data, not a roster; keep only the rows the rules read"
			}
			errs = append(errs, f.errorAt(t.fileNode, "", msg, hint))
			continue
		}
		errs = append(errs, t.load(f, display, data)...)
	}
	return errs
}

// errorAt is an error at node n of f (the whole file when n is nil).
func (f *File) errorAt(n *yaml.Node, ruleID, msg, hint string) *Error {
	e := &Error{File: f.Path, RuleID: ruleID, Msg: msg, Hint: hint}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
		e.Snippet = f.line(n.Line)
	}
	return e
}

// NewSet layers files in order. For each file, its disable: and
// overrides: apply to the rules of the files before it, then its own rules
// join the set. Rule ids are unique across all files.
func NewSet(files []*File) (*Set, Errors) { return layer(files, nil) }

// NewSetWithChecks is NewSet over checks defined before the first file (see
// LoadOptions.Checks).
func NewSetWithChecks(files []*File, checks []*Rule) (*Set, Errors) { return layer(files, checks) }

// changesChecks reports whether a file changes anything: a file that only
// overrides or disables combinations or cross-row checks has no rules.
func changesChecks(files []*File) bool {
	for _, f := range files {
		if len(f.Overrides) > 0 || len(f.Disable.IDs) > 0 || len(f.Disable.Indicators) > 0 {
			return true
		}
	}
	return false
}

// layer is NewSet over checks defined before the first file.
func layer(files []*File, checks []*Rule) (*Set, Errors) {
	s := &Set{Files: files}
	var errs Errors
	byID := map[string]*Rule{}
	var order []*Rule
	for _, c := range checks {
		if _, dup := byID[c.ID]; !dup {
			byID[c.ID] = c
			order = append(order, c)
		}
	}
	for _, f := range files {
		earlier := slices.Clone(order)
		known := func() []string {
			var ids []string
			for _, r := range earlier {
				ids = append(ids, r.ID)
			}
			return ids
		}
		for _, d := range f.Disable.IDs {
			r := byID[d.Value]
			switch {
			case r == nil && ruleInFile(f, d.Value):
				errs = append(errs, f.errorAt(d.node, "", fmt.Sprintf("disable: rule %q is defined in this file", d.Value), "disable changes rules of files loaded before this one; delete the rule here instead"))
			case r == nil:
				errs = append(errs, f.errorAt(d.node, "", fmt.Sprintf("disable: no earlier rule %q", d.Value), suggestOr(d.Value, known(), "disable names rules of files loaded before this one; list them with 'laborcheck rules list'")))
			case r.DisabledBy != "":
				s.Warnings = append(s.Warnings, warning(f.errorAt(d.node, "", fmt.Sprintf("disable: rule %q is already disabled (by %s)", d.Value, r.DisabledBy), "")))
			default:
				r.DisabledBy = fmt.Sprintf("%s:%d", f.Path, d.Line)
			}
		}
		for _, d := range f.Disable.Indicators {
			n := 0
			for _, r := range earlier {
				if r.Indicator == d.Value && r.DisabledBy == "" {
					r.DisabledBy = fmt.Sprintf("%s:%d", f.Path, d.Line)
					n++
				}
			}
			if n == 0 {
				s.Warnings = append(s.Warnings, warning(f.errorAt(d.node, "", fmt.Sprintf("disable: no enabled earlier rule has indicator %q", d.Value), "")))
			}
		}
		for _, o := range f.Overrides {
			r := byID[o.ID]
			switch {
			case r == nil && ruleInFile(f, o.ID):
				errs = append(errs, f.errorAt(o.idNode, "", fmt.Sprintf("override: rule %q is defined in this file", o.ID), "overrides change rules of files loaded before this one; edit the rule here instead"))
				continue
			case r == nil:
				errs = append(errs, f.errorAt(o.idNode, "", fmt.Sprintf("override: no earlier rule %q", o.ID), suggestOr(o.ID, known(), "overrides name rules of files loaded before this one; list them with 'laborcheck rules list'")))
				continue
			case r.DisabledBy != "":
				s.Warnings = append(s.Warnings, warning(f.errorAt(o.idNode, "", fmt.Sprintf("override: rule %q is disabled (by %s)", o.ID, r.DisabledBy), "")))
			case r.Severity == o.Severity:
				s.Warnings = append(s.Warnings, warning(f.errorAt(o.sevNode, "", fmt.Sprintf("override: rule %q already has severity %s", o.ID, o.Severity), "")))
				continue
			}
			what := fmt.Sprintf("severity %s → %s", r.Severity, o.Severity)
			if o.Reason != "" {
				what += " (" + o.Reason + ")"
			}
			r.Changes = append(r.Changes, Change{Where: fmt.Sprintf("%s:%d", f.Path, o.Line), What: what})
			r.Severity = o.Severity
		}
		for _, r := range f.Rules {
			if r.ID == "" {
				continue
			}
			if prev, dup := byID[r.ID]; dup {
				if prev.Kind != "" {
					errs = append(errs, &Error{File: r.File, Line: r.nodes["id"].Line, Col: r.nodes["id"].Column, RuleID: r.ID,
						Msg: fmt.Sprintf("rule id %q is the id of a built-in %s", r.ID, prev.Kind), Snippet: f.line(r.nodes["id"].Line),
						Hint: "give the rule another id; to turn the " + prev.Kind + " off, list it under disable:"})
					continue
				}
				if prev.File != r.File {
					errs = append(errs, &Error{File: r.File, Line: r.nodes["id"].Line, Col: r.nodes["id"].Column, RuleID: r.ID,
						Msg: fmt.Sprintf("duplicate rule id (also defined at %s)", prev.Source()), Snippet: f.line(r.nodes["id"].Line),
						Hint: "rule ids are unique across all rule files; to change an earlier rule use overrides:, to replace it disable it and give yours a new id"})
				}
				continue
			}
			byID[r.ID] = r
			order = append(order, r)
		}
	}
	for _, r := range order {
		switch {
		case r.DisabledBy != "":
			s.Disabled = append(s.Disabled, r)
		case r.Kind != "":
			s.Checks = append(s.Checks, r)
		default:
			s.Rules = append(s.Rules, r)
		}
	}
	return s, errs
}

func ruleInFile(f *File, id string) bool {
	for _, r := range f.Rules {
		if r.ID == id {
			return true
		}
	}
	return false
}

func warning(e *Error) *Error {
	e.Warning = true
	return e
}

func isRuleFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return (ext == ".yaml" || ext == ".yml") && !strings.HasPrefix(name, ".")
}

func expand(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("rule path: %w", err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && isRuleFile(e.Name()) {
			out = append(out, filepath.Join(p, e.Name()))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no .yaml rule files in directory %s", p)
	}
	return out, nil
}
