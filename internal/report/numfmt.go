package report

import (
	"math"
	"strconv"
	"strings"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// Numbers as people read them. The machine-readable fields of the JSON
// and CSV reports keep plain numbers; these are for the columns, cells and
// lines people read.

// thousands writes n with a comma between groups of three digits:
// 200000 becomes "200,000".
func thousands(n int) string {
	return groupDigits(strconv.Itoa(n))
}

// groupDigits puts commas into the whole part of a plain decimal number
// (see contract.GroupDigits).
func groupDigits(s string) string { return contract.GroupDigits(s) }

// decimal writes v with thousands separators and at most two decimals,
// trailing zeros dropped: 25250 is "25,250", 2.184 is "2.18".
func decimal(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return groupDigits(s)
}

// score writes a supplier's risk score with one decimal: "64.6".
func score(v float64) string {
	return groupDigits(strconv.FormatFloat(v, 'f', 1, 64))
}

// isShareField says whether a derived number is a share or ratio, shown as
// a percentage: wage_to_minimum_ratio, deductions_share_of_wage,
// fee_paid_share.
func isShareField(field string) bool {
	return strings.HasSuffix(field, "_ratio") || strings.Contains(field, "share")
}

// displayValue writes an evidence value for people: an amount with its
// currency code and thousands separators ("TWD 25,250"), a share or ratio
// as a percentage ("91.9%"), other numbers with separators and at most two
// decimals, yes/no for true/false, and text as it is. Nil is "".
func displayValue(field string, e Evidence) string {
	switch v := e.Value.(type) {
	case nil:
		return ""
	case float64:
		switch {
		case e.Currency != "":
			return e.Currency + " " + decimal(v)
		case isShareField(field):
			return percent(v)
		}
		return decimal(v)
	case float32:
		return displayValue(field, Evidence{Value: float64(v), Currency: e.Currency})
	case int:
		return thousands(v)
	case int64:
		return groupDigits(strconv.FormatInt(v, 10))
	case bool:
		if v {
			return "yes"
		}
		return "no"
	}
	return formatValue(e.Value)
}
