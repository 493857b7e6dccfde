package source

import (
	"strconv"
	"strings"
)

// maxCandidateColumns bounds the header cells kept of a sheet without a
// roster: enough to recognise what the sheet is.
const maxCandidateColumns = 50

// candidateColumns records, for a sheet that holds no contract table, the
// cells of the row most like a header (the first non-blank row when no
// row names a known field) as its columns, so that reports can name the
// headers laborcheck did not recognise. HeaderRow stays 0: no contracts
// are read below them.
func (r *reader) candidateColumns(sh *Sheet, rows []rawRow, hi, best int, lay layout) {
	if hi < 0 || hi >= len(rows) {
		return
	}
	if best <= 0 {
		hi = -1
		for i, row := range rows {
			if hasText(row.cells) {
				hi = i
				break
			}
		}
		if hi < 0 {
			return
		}
	}
	cells := rows[hi].cells
	for i, text := range cells {
		if i == maxCandidateColumns {
			break
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		col := Column{Header: text}
		if f, score := r.opts.Matcher.Score(text); score >= 0.5 {
			col.Field = f
		}
		if lay.text {
			col.Letter = strconv.Itoa(i + 1)
		} else {
			col.Letter = columnLetter(i + 1)
		}
		sh.Columns = append(sh.Columns, col)
	}
}

func hasText(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return true
		}
	}
	return false
}
