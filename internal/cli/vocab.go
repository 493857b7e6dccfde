package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/header"
	"github.com/laborcheck/laborcheck/internal/report"
)

// maxVocabFile bounds a vocabulary file: a word list, not a data set.
const maxVocabFile = 4 << 20

// headerKeys and valueKeys are the top-level keys only one kind of
// vocabulary file has; a file without `kind:` is told apart by them.
var (
	headerKeys = []string{"words", "abbreviations", "stop_words", "units", "period_leads", "conversions", "vetoes", "weak"}
	valueKeys  = []string{"assume", "null", "negation", "doubt", "mentions", "yes", "no", "numbers", "periods", "days",
		"intervals", "money", "language_fillers", "languages"}
	headerFieldKeys = []string{"label", "match", "also", "veto", "opposite", "yes_no", "period", "convert", "percent", "shape", "fill_down", "clock"}
)

// vocabKind tells a header vocabulary ("headers") from a cell-value one
// ("values"): by its `kind:` key, else by the keys it uses.
func vocabKind(data []byte) string {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return "headers" // the header parser reports what is wrong with it
	}
	root := doc.Content[0]
	kind := ""
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i].Value, root.Content[i+1]
		switch {
		case k == "kind":
			return v.Value
		case slices.Contains(headerKeys, k):
			kind = "headers"
		case slices.Contains(valueKeys, k) && kind == "":
			kind = "values"
		case k == "fields" && kind == "" && v.Kind == yaml.MappingNode:
			for j := 1; j < len(v.Content); j += 2 {
				f := v.Content[j]
				for m := 0; m+1 < len(f.Content); m += 2 {
					if slices.Contains(headerFieldKeys, f.Content[m].Value) {
						return "headers"
					}
				}
			}
			kind = "values"
		}
	}
	if kind == "" {
		kind = "headers"
	}
	return kind
}

// loadVocabulary reads the -vocab files in order. A header vocabulary
// extends the one built so far (the built-in one first); a cell-value
// vocabulary extends the schema's wordings. A file whose top level says
// `replace: true` is used instead of the built-in vocabulary of its kind.
// Problems are printed with file:line:col and loadVocabulary returns false.
func loadVocabulary(ui *ui, files []string, schema *contract.Schema) (*header.Vocabulary, *contract.Schema, []report.Vocabulary, bool) {
	if len(files) == 0 {
		return nil, schema, nil, true
	}
	v := header.Default()
	var recorded []report.Vocabulary
	for _, path := range files {
		data, err := readLimited(path, maxVocabFile)
		if err != nil {
			ui.errorf("-vocab %s: %v", safe(path), err)
			return nil, nil, nil, false
		}
		kind := vocabKind(data)
		switch kind {
		case "values":
			schema, err = schema.WithValueVocab(namedReader{bytes.NewReader(data), path})
		case "headers":
			var top struct {
				Replace bool `yaml:"replace"`
			}
			_ = yaml.Unmarshal(data, &top) // a syntax error is reported by the parser below
			if top.Replace {
				v, err = header.Parse(bytes.NewReader(data), path)
			} else {
				v, err = v.Extend(bytes.NewReader(data), path)
			}
		default:
			err = fmt.Errorf("%s: kind %q: a vocabulary is kind: headers or kind: values", path, kind)
		}
		if err != nil {
			ui.errorf("-vocab: %s", safe(err.Error()))
			ui.hint("the vocabulary formats are described in README.md, under \"Vocabularies\"")
			return nil, nil, nil, false
		}
		sum := sha256.Sum256(data)
		var top struct {
			Source string `yaml:"source"`
			AsOf   string `yaml:"as_of"`
		}
		_ = yaml.Unmarshal(data, &top)
		recorded = append(recorded, report.Vocabulary{Path: path, Kind: kind, Source: top.Source, AsOf: top.AsOf, SHA256: hex.EncodeToString(sum[:])})
	}
	return v, schema, recorded, true
}

// namedReader gives a vocabulary's bytes the name errors cite.
type namedReader struct {
	*bytes.Reader
	name string
}

func (n namedReader) Name() string { return n.name }
