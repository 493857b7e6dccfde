package template

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/laborcheck/laborcheck/internal/contract"

	"go.yaml.in/yaml/v3"
)

//go:embed template.yaml
var wordingYAML []byte

// wording is template.yaml decoded.
type wording struct {
	Fields    map[string]fieldWording `yaml:"fields"`
	Languages map[string]*Language    `yaml:"languages"`
	Text      map[string]string       `yaml:"text"`
}

type fieldWording struct {
	About   string `yaml:"about"`
	Example string `yaml:"example"`
}

// Language is the wording of the template in one language.
type Language struct {
	Code         string                       `yaml:"-"`
	Name         string                       `yaml:"name"`
	Sheet        string                       `yaml:"sheet"`
	Instructions string                       `yaml:"instructions"`
	Yes          string                       `yaml:"yes"`
	No           string                       `yaml:"no"`
	Values       map[string]map[string]string `yaml:"values"`
	Headers      map[string]string            `yaml:"headers"`
	Text         map[string]string            `yaml:"text"`
	About        map[string]string            `yaml:"about"`
}

var builtin = func() *wording {
	var w wording
	if err := yaml.Unmarshal(wordingYAML, &w); err != nil {
		panic("template: template.yaml: " + err.Error())
	}
	for code, l := range w.Languages {
		l.Code = code
	}
	return &w
}()

// Languages returns the codes of the languages a template can be written
// in, English first, then in alphabetical order.
func Languages() []string {
	var out []string
	for code := range builtin.Languages {
		if code != "en" {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return append([]string{"en"}, out...)
}

// LanguageName returns the name of the language with code, "" when there
// is none.
func LanguageName(code string) string {
	if l := lookupLanguage(code); l != nil {
		return l.Name
	}
	return ""
}

// lookupLanguage finds a language by its code, in any case; "zh-TW" and
// "zh_Hant" are read as "zh-hant", "zh-CN" as "zh", "in" as "id".
func lookupLanguage(code string) *Language {
	c := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), "_", "-"))
	switch c {
	case "zh-tw", "zh-hk", "zh-mo":
		c = "zh-hant"
	case "zh-cn", "zh-sg", "zh-hans":
		c = "zh"
	case "in":
		c = "id"
	}
	return builtin.Languages[c]
}

// header returns the column header of field in l, else in English.
func (l *Language) header(field string) string {
	if h := l.Headers[field]; h != "" {
		return h
	}
	return builtin.Languages["en"].Headers[field]
}

// about says what field's column holds, in l, else in English.
func (l *Language) about(field string) string {
	if a := l.About[field]; a != "" {
		return a
	}
	return builtin.Fields[field].About
}

// value returns the dropdown entry l shows for value v of an enumeration
// field: the language's own word when laborcheck reads it back as v, else
// the word with v after it ("Reclutador (recruiter)"), else v itself. An
// entry is only ever one that a scan reads as the value it stands for.
func (l *Language) value(f *contract.Field, v string) string {
	w := l.Values[f.Name][v]
	if w == "" {
		return v
	}
	for _, entry := range []string{w, w + " (" + v + ")"} {
		if readsAs(f, entry, v) {
			return entry
		}
	}
	return v
}

// readsAs reports whether a cell holding entry is read as value v of f (for
// a value that is a null word, such as "unknown", as no value, without a
// data issue).
func readsAs(f *contract.Field, entry, v string) bool {
	got, err := f.Parse(entry, contract.Hints{})
	if err != nil {
		return false
	}
	if !got.Present {
		nv, err := f.Parse(v, contract.Hints{})
		return err == nil && !nv.Present
	}
	return got.Display(f.Type) == v
}

// text returns the sentence called key in l, else in English, with args
// filled in.
func (l *Language) text(key string, args ...any) string {
	s := l.Text[key]
	if s == "" {
		s = builtin.Text[key]
	}
	if s == "" {
		panic("template: no text " + key)
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
