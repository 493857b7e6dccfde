package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/header"
	"github.com/laborcheck/laborcheck/internal/report"
)

// maxVocabFile bounds a vocabulary file: a word list, not a data set.
const maxVocabFile = 4 << 20

// loadVocabulary reads the -vocab files in order. Each extends the header
// vocabulary built so far (the built-in one first); a file whose top level
// says `replace: true` starts afresh from it alone. Problems are printed,
// every one with file:line:col, and loadVocabulary returns false.
func loadVocabulary(ui *ui, files []string) (*header.Vocabulary, []report.File, bool) {
	if len(files) == 0 {
		return nil, nil, true
	}
	v := header.Default()
	var recorded []report.File
	for _, path := range files {
		data, err := readCapped(path, maxVocabFile)
		if err != nil {
			ui.errorf("-vocab %s: %v", safe(path), err)
			return nil, nil, false
		}
		var top struct {
			Replace bool `yaml:"replace"`
		}
		_ = yaml.Unmarshal(data, &top) // a syntax error is reported by the parser below
		if top.Replace {
			v, err = header.Parse(bytes.NewReader(data), path)
		} else {
			v, err = v.Extend(bytes.NewReader(data), path)
		}
		if err != nil {
			ui.errorf("-vocab: %s", safe(err.Error()))
			ui.hint("the vocabulary format is described in README.md, under \"Reading rosters\"")
			return nil, nil, false
		}
		sum := sha256.Sum256(data)
		recorded = append(recorded, report.File{Path: path, SHA256: hex.EncodeToString(sum[:])})
	}
	return v, recorded, true
}

// readCapped reads a regular file of at most limit bytes.
func readCapped(path string, limit int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if st.Size() > limit {
		return nil, errTooLarge
	}
	return os.ReadFile(path)
}

var (
	errNotRegular = errorString("not a regular file")
	errTooLarge   = errorString("too large for a vocabulary file (over 4 MiB)")
)

type errorString string

func (e errorString) Error() string { return string(e) }
