package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// csvHeader names the columns of [WriteCSV], in order.
var csvHeader = []string{
	"file", "sheet", "row", "contract_id", "worker_id", "worker_name", "supplier",
	"rule_id", "indicator", "severity", "message", "evidence", "references",
	"scope", "contracts", "waived", "waiver", "remedy",
}

// WriteCSV writes one line per finding, in report order, under a header line
// (see csvHeader for the columns). Evidence is "field=raw; field=raw" sorted
// by field, references are joined with "; ". The last columns say whether
// the finding is a contract's own or a supplier-level one (scope "contract"
// or "supplier"), how many contracts it concerns, and whether a waiver
// covers it ("true"/"false", and the waiver's reason, approver, expiry and
// source); the last, what should be done about it (the rule's remedy).
// Every text cell is neutralised
// against formula injection (see safeText); the row number is written as a
// plain number.
//
// The file is UTF-8 without a byte-order mark, with LF line ends, for tools;
// people who open reports in a spreadsheet program are better served by
// [WriteXLSX].
func WriteCSV(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	rec := make([]string, len(csvHeader))
	err := r.eachFinding(func(f *Finding) error {
		rec[0] = safeText(f.File)
		rec[1] = safeText(f.Sheet)
		rec[2] = strconv.Itoa(f.Row)
		rec[3] = safeText(f.ContractID)
		rec[4] = safeText(f.WorkerID)
		rec[5] = safeText(f.WorkerName)
		rec[6] = safeText(f.Supplier)
		rec[7] = safeText(f.RuleID)
		rec[8] = safeText(f.Indicator)
		rec[9] = safeText(f.Severity)
		rec[10] = safeText(f.Message)
		rec[11] = safeText(evidenceText(f.Evidence, f.Row))
		rec[12] = safeText(strings.Join(f.References, "; "))
		rec[13] = safeText(scopeWord(f))
		rec[14] = strconv.Itoa(contractsConcerned(f))
		rec[15] = strconv.FormatBool(f.Waived)
		rec[16] = safeText(waiverText(f))
		rec[17] = safeText(f.Remedy)
		return cw.Write(rec)
	}, true)
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
