package report

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/laborcheck/laborcheck/internal/contract"
)

var (
	//go:embed html.tmpl
	htmlTemplateText string
	//go:embed html.css
	htmlCSS string
	//go:embed html.js
	htmlJS string

	htmlTemplate = template.Must(template.New("report").Parse(htmlTemplateText))

	// htmlCSP allows nothing but the page's own inline style and script,
	// pinned by their hashes: the report loads nothing from anywhere, and
	// even markup that slipped through escaping could not run.
	htmlCSP = "default-src 'none'; style-src '" + cspHash(htmlCSS) + "'; script-src '" +
		cspHash(htmlJS) + "'; img-src data:; base-uri 'none'; form-action 'none'"
)

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// htmlListLimit caps the data issues and rule errors the HTML report lists;
// the JSON and XLSX reports hold them all.
const htmlListLimit = 1000

// chartColours are the bar colours of each severity in the HTML charts:
// stronger than the table fills (severityColours) so bars read on white.
var chartColours = map[string]string{
	"critical": "#b71c1c",
	"high":     "#e65100",
	"medium":   "#f9a825",
	"low":      "#1565c0",
	"info":     "#757575",
}

const chartDefaultColour = "#2f5597"

// WriteHTML writes r as one self-contained HTML page: summary tiles, bar
// charts (inline SVG) of findings by indicator, severity and supplier, a
// findings table that sorts and filters with a little inline script, every
// flagged contract with its evidence, contracts with insufficient data, the
// inputs and how they were read, data issues, rule errors, the rules and the
// run. It loads nothing from the network, and its Content-Security-Policy
// forbids it to. All report text is escaped by html/template.
func WriteHTML(w io.Writer, r *Report) error {
	// The page shows every finding and flagged contract: the report is
	// read into memory whole.
	r, err := r.materialized()
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTemplate.Execute(bw, newHTMLView(r)); err != nil {
		return err
	}
	return bw.Flush()
}

type htmlView struct {
	Version, StartedAt, RulesDigest string
	Run                             Run
	Summary                         Summary
	FailOn                          string
	Tiles                           []htmlTile
	Charts                          []htmlChart
	Severities                      []string
	Indicators                      []htmlIndicator
	Findings                        []htmlFinding
	Flagged                         []htmlContract
	SupplierFindings                []htmlFinding
	Suppliers                       []htmlSupplier
	Insufficient                    []htmlContract
	Inputs                          []htmlInput
	Sheets                          []htmlSheet
	DataIssues                      []contract.DataIssue
	DataIssuesMore                  int
	RuleErrors                      []RuleError
	RuleErrorsMore                  int
	Rules                           []Rule
	DisabledRules                   []DisabledRule
	Incomplete                      []htmlIncomplete
	CoverageGaps                    bool // some supplier's rosters leave indicators unchecked
	CSS                             template.CSS
	JS                              template.JS
	CSP                             string
}

type htmlIndicator struct{ Code, Label string }

type htmlTile struct {
	Label string
	Value int
	Tone  string // CSS class suffix: flagged, clear, insufficient, neutral, alert
	Note  string
}

type htmlFinding struct {
	Index                                      int
	Severity                                   string
	SevRank                                    int
	Indicator, IndicatorLabel                  string
	RuleID, Title, Message                     string
	ContractID, WorkerID, WorkerName, Supplier string
	File, Sheet                                string
	Row                                        int
	Evidence                                   []evidenceField
	References                                 []string
	Remedy                                     string
	Waived                                     bool
	Waiver                                     string
	SupplierScope                              bool
	ContractsTotal                             int
	Contracts                                  []string // locations of the contracts concerned
	ContractsMore                              int      // concerned contracts not listed
}

type htmlSupplier struct {
	Supplier
	RiskWord  string
	Share     string // the fee-paid share as a percentage, "" when unknown
	FeesKnown int    // workers whose recruitment costs are known
	// CoverageShare is Coverage as a percentage; the lists hold indicator
	// codes.
	CoverageShare                  string
	Checked, Partly, NotCheckedInd []string
}

type htmlContract struct {
	Contract
	Location string
	RiskWord string
	Findings []htmlFinding
}

type htmlInput struct {
	Input
	Status    string
	ErrorText string
	Contracts int
}

type htmlSheet struct {
	File     string
	Sheet    Sheet
	Status   string
	Reason   string
	Unmapped string
}

// htmlIncomplete is a file whose review is incomplete.
type htmlIncomplete struct {
	Path         string
	Reasons      []string
	Unrecognised string
}

type htmlChart struct {
	ID, Title   string
	Width       int
	Span        int // the width of a full bar
	Height      int
	Bars        []htmlBar
	Empty, More string
}

type htmlBar struct {
	Label, Full  string
	Value        int
	Y, W, ValueX int
	Colour       string
}

func newHTMLView(r *Report) *htmlView {
	s := r.Summary
	v := &htmlView{
		Version:     r.Run.Version,
		StartedAt:   r.Run.StartedAt.UTC().Format(time.RFC3339),
		RulesDigest: r.Run.RulesDigest,
		Run:         r.Run,
		Summary:     s,
		FailOn:      cmp.Or(s.FailOn, r.Run.Options.FailOn),
		Rules:       r.Rules,
		CSS:         template.CSS(htmlCSS),
		JS:          template.JS(htmlJS),
		CSP:         htmlCSP,
	}
	v.Tiles = []htmlTile{
		{Label: "Contracts", Value: s.Contracts, Tone: "neutral"},
		{Label: "Flagged", Value: s.ContractsFlagged, Tone: "flagged", Note: "at least one risk indicator"},
		{Label: "Insufficient data", Value: s.ContractsInsufficient, Tone: "insufficient", Note: "rules could not decide"},
		{Label: "Clear", Value: s.ContractsClear, Tone: "clear", Note: "no indicator found"},
	}
	if s.ContractsWithRuleErrors > 0 {
		v.Tiles = append(v.Tiles, htmlTile{Label: "Rule errors", Value: s.ContractsWithRuleErrors, Tone: "flagged", Note: "a rule failed: review incomplete"})
	}
	v.Tiles = append(v.Tiles, []htmlTile{
		{Label: "Findings", Value: s.Findings, Tone: "neutral"},
		{Label: "At or above " + cmp.Or(v.FailOn, "fail-on"), Value: s.FindingsAtOrAbove, Tone: alertIf(s.FindingsAtOrAbove), Note: failOnNote(s.Waived)},
		{Label: "Unreadable inputs", Value: s.InputsUnreadable + s.SheetsUnreadable, Tone: alertIf(s.InputsUnreadable + s.SheetsUnreadable),
			Note: plural(s.InputsUnreadable, "file", "files") + " and " + plural(s.SheetsUnreadable, "sheet", "sheets") + " of " + plural(s.Inputs, "input", "inputs")},
		{Label: "Incomplete inputs", Value: s.InputsIncomplete, Tone: alertIf(s.InputsIncomplete), Note: "files read but not reviewed in full"},
		{Label: "Data issues", Value: s.DataIssues, Tone: alertIf(s.DataIssues), Note: "cells that could not be read"},
	}...)
	v.Charts = htmlCharts(r)

	seen := map[string]bool{}
	for _, f := range r.Findings {
		if !seen[f.Indicator] {
			seen[f.Indicator] = true
			v.Indicators = append(v.Indicators, htmlIndicator{f.Indicator, humanIndicator(f.Indicator)})
		}
	}
	slices.SortFunc(v.Indicators, func(a, b htmlIndicator) int { return cmp.Compare(a.Code, b.Code) })
	for _, c := range severityCounts(s.BySeverity) {
		v.Severities = append(v.Severities, c.Name)
	}

	v.Findings = make([]htmlFinding, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		v.Findings[i] = htmlFinding{
			Index:          i,
			Severity:       f.Severity,
			SevRank:        severityRank(f.Severity),
			Indicator:      f.Indicator,
			IndicatorLabel: humanIndicator(f.Indicator),
			RuleID:         f.RuleID,
			Title:          f.Title,
			Message:        f.Message,
			ContractID:     f.ContractID,
			WorkerID:       f.WorkerID,
			WorkerName:     f.WorkerName,
			Supplier:       f.Supplier,
			File:           f.File,
			Sheet:          f.Sheet,
			Row:            f.Row,
			Evidence:       evidenceFields(f.Evidence),
			References:     f.References,
			Remedy:         f.Remedy,
			Waived:         f.Waived,
			Waiver:         waiverText(f),
			SupplierScope:  f.Scope == ScopeSupplier,
			ContractsTotal: contractsConcerned(f),
		}
		for j := range v.Findings[i].Evidence {
			e := &v.Findings[i].Evidence[j]
			e.At = e.Cell(f.Row)
		}
		if f.Scope == ScopeSupplier {
			hf := &v.Findings[i]
			for _, c := range f.Contracts {
				hf.Contracts = append(hf.Contracts, location(c.File, c.Sheet, c.Row)+contractLabel(c.ContractID))
			}
			hf.ContractsMore = max(0, hf.ContractsTotal-len(f.Contracts))
			v.SupplierFindings = append(v.SupplierFindings, *hf)
		}
	}
	for _, sup := range r.Suppliers {
		hs := htmlSupplier{Supplier: sup, RiskWord: deref(sup.Risk), FeesKnown: sup.FeesPaid + sup.FeesNotPaid}
		if sup.FeePaidShare != nil {
			hs.Share = percent(*sup.FeePaidShare)
		}
		hs.CoverageShare = percent(sup.Coverage)
		hs.Checked, hs.Partly, hs.NotCheckedInd = sup.IndicatorsChecked, sup.IndicatorsPartly, sup.IndicatorsNotChecked
		if len(sup.IndicatorsPartly)+len(sup.IndicatorsNotChecked) > 0 {
			v.CoverageGaps = true
		}
		v.Suppliers = append(v.Suppliers, hs)
	}
	v.DisabledRules = r.Run.DisabledRules
	byContract := findingsByContract(r.Findings) // a contract's own findings only
	for _, c := range r.Contracts {
		hc := htmlContract{Contract: c, Location: location(c.File, c.Sheet, c.Row), RiskWord: deref(c.Risk)}
		switch c.Status {
		case StatusFlagged:
			for _, i := range byContract[contractKey{c.File, c.Sheet, c.Row}] {
				hc.Findings = append(hc.Findings, v.Findings[i])
			}
			v.Flagged = append(v.Flagged, hc)
		case StatusInsufficient, StatusRuleError:
			v.Insufficient = append(v.Insufficient, hc)
		}
	}

	for _, in := range r.Inputs {
		hi := htmlInput{Input: in, Status: "read", ErrorText: deref(in.Error)}
		if in.Error != nil {
			hi.Status = "unreadable"
		}
		if len(in.Incomplete) > 0 {
			hi.Status = "incomplete"
			v.Incomplete = append(v.Incomplete, htmlIncomplete{Path: in.Path, Reasons: in.Incomplete,
				Unrecognised: strings.Join(in.UnrecognisedHeaders, ", ")})
		}
		for _, sh := range in.Sheets {
			hi.Contracts += sh.Rows
			hs := htmlSheet{File: in.Path, Sheet: sh, Status: sheetStatus(sh), Reason: sh.Skipped}
			if sh.Error != nil {
				hs.Reason = *sh.Error
			}
			names := make([]string, len(sh.Unmapped))
			for i, c := range sh.Unmapped {
				names[i] = c.Header
			}
			hs.Unmapped = strings.Join(names, ", ")
			v.Sheets = append(v.Sheets, hs)
		}
		v.Inputs = append(v.Inputs, hi)
	}
	v.DataIssues, v.DataIssuesMore = capList(r.DataIssues, htmlListLimit)
	v.RuleErrors, v.RuleErrorsMore = capList(r.RuleErrors, htmlListLimit)
	return v
}

func failOnNote(waived int) string {
	if waived == 0 {
		return "the fail-on threshold"
	}
	return "the fail-on threshold; " + plural(waived, "waived finding", "waived findings") + " not counted"
}

// contractLabel is " (id)" for a contract ID, "" without one.
func contractLabel(id string) string {
	if id == "" {
		return ""
	}
	return " (" + id + ")"
}

func alertIf(n int) string {
	if n > 0 {
		return "alert"
	}
	return "neutral"
}

func capList[T any](s []T, n int) ([]T, int) {
	if len(s) <= n {
		return s, 0
	}
	return s[:n], len(s) - n
}

// htmlSupplierBars caps the supplier chart; the supplier with most findings
// come first.
const htmlSupplierBars = 12

func htmlCharts(r *Report) []htmlChart {
	var ind, sev, sup []htmlBar
	for _, c := range indicatorCounts(r.Summary.ByIndicator) {
		ind = append(ind, htmlBar{Label: humanIndicator(c.Name), Full: c.Name, Value: c.N, Colour: chartDefaultColour})
	}
	total := 0
	for _, c := range severityCounts(r.Summary.BySeverity) {
		sev = append(sev, htmlBar{Label: c.Name, Full: c.Name, Value: c.N, Colour: cmp.Or(chartColours[c.Name], chartDefaultColour)})
		total += c.N
	}
	if total == 0 {
		sev = nil
	}
	suppliers := slices.Clone(r.Suppliers)
	slices.SortStableFunc(suppliers, func(a, b Supplier) int {
		return cmp.Or(cmp.Compare(b.Findings, a.Findings), cmp.Compare(a.Name, b.Name))
	})
	more := 0
	for _, s := range suppliers {
		if s.Findings == 0 {
			continue
		}
		if len(sup) == htmlSupplierBars {
			more++
			continue
		}
		sup = append(sup, htmlBar{Label: s.Name, Full: s.Name, Value: s.Findings,
			Colour: cmp.Or(chartColours[deref(s.Risk)], chartDefaultColour)})
	}
	charts := []htmlChart{
		newChart("chart-indicator", "Findings by indicator", ind, "No findings."),
		newChart("chart-severity", "Findings by severity", sev, "No findings."),
		newChart("chart-supplier", "Findings by supplier", sup, "No findings with a supplier or employer."),
	}
	if more > 0 {
		charts[2].More = strconv.Itoa(more) + " more suppliers with findings are in the XLSX and JSON reports."
	}
	return charts
}

// Chart geometry, in SVG user units: each bar has its label on a line above
// it, so long indicator and supplier names need no truncation up to
// chartLabelRunes.
const (
	chartWidth      = 420
	chartStep       = 40
	chartBarHeight  = 14
	chartValueRoom  = 48
	chartLabelRunes = 58
)

func newChart(id, title string, bars []htmlBar, empty string) htmlChart {
	c := htmlChart{ID: id, Title: title, Width: chartWidth, Bars: bars, Empty: empty}
	c.Height = 8 + chartStep*len(bars)
	maxV := 0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	span := chartWidth - chartValueRoom
	c.Span = span
	for i := range c.Bars {
		b := &c.Bars[i]
		b.Y = 4 + chartStep*i
		if maxV > 0 {
			b.W = b.Value * span / maxV
		}
		if b.Value > 0 {
			b.W = max(b.W, 2)
		}
		b.ValueX = b.W + 6
		b.Label = truncateRunes(b.Label, chartLabelRunes)
	}
	return c
}

// humanIndicator turns an indicator code into words: "debt_bondage" becomes
// "Debt bondage".
func humanIndicator(code string) string {
	s := strings.ReplaceAll(code, "_", " ")
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}

// truncateRunes shortens s to at most n runes, ending in "…" when cut.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}
