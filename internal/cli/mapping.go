package cli

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// readMapping reads a header mapping file (-map): house spellings of headers
// and the canonical field each stands for. Two forms are accepted:
//
//	# mapping.yaml
//	headers:
//	  Agent Charge: recruitment_fee_paid_by_worker
//	  PP Location: passport_held_by
//
//	# mapping.csv (or .tsv): header,field — a first line "header,field" is skipped
//	Agent Charge,recruitment_fee_paid_by_worker
func readMapping(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		var doc struct {
			Headers yaml.Node `yaml:"headers"`
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		n := &doc.Headers
		if n.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("%s: want a `headers:` mapping of header text to field name", path)
		}
		out := map[string]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("%s:%d:%d: header %q must map to one field name", path, v.Line, v.Column, k.Value)
			}
			out[k.Value] = v.Value
		}
		return out, nil
	case ".csv", ".tsv", ".txt":
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
		if strings.EqualFold(filepath.Ext(path), ".tsv") {
			r.Comma = '\t'
		}
		r.Comment = '#'
		r.FieldsPerRecord = -1
		out := map[string]string{}
		for line := 1; ; line++ {
			rec, err := r.Read()
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			row, _ := r.FieldPos(0)
			if len(rec) != 2 {
				return nil, fmt.Errorf("%s:%d: want two columns, header and field; got %d", path, row, len(rec))
			}
			if line == 1 && strings.EqualFold(strings.TrimSpace(rec[0]), "header") && strings.EqualFold(strings.TrimSpace(rec[1]), "field") {
				continue
			}
			out[strings.TrimSpace(rec[0])] = strings.TrimSpace(rec[1])
		}
	}
	return nil, fmt.Errorf("%s: a mapping file is .yaml, .yml, .csv or .tsv", path)
}

// schemaFor returns the default schema, with the house spellings of a
// mapping file added when one is given.
func schemaFor(ui *ui, mapFile string) (*contract.Schema, bool) {
	s := contract.DefaultSchema()
	if mapFile == "" {
		return s, true
	}
	m, err := readMapping(mapFile)
	if err != nil {
		ui.errorf("-map: %v", err)
		return nil, false
	}
	s, err = s.WithAliases(m)
	if err != nil {
		ui.errorf("-map %s: %v", mapFile, err)
		ui.hint("field names are listed in internal/contract/schema.yaml; 'laborcheck inspect FILE' shows how headers map now")
		return nil, false
	}
	return s, true
}
