package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// grid writes a free-form sheet (Summary, Run) line by line through
// excelize's ordinary cell API; these sheets are small. The first error
// sticks and later calls do nothing.
type grid struct {
	x     *xlsxWriter
	sheet string
	row   int
	err   error
}

// line writes values into columns A, B, … of the next row. A value is a
// string (neutralised against formulas), an int, a float64, nil (no cell) or
// a styled value.
func (g *grid) line(values ...any) {
	g.row++
	for i, v := range values {
		if g.err != nil {
			return
		}
		style := 0
		if s, ok := v.(styled); ok {
			v, style = s.v, s.style
		}
		cell, err := excelize.CoordinatesToCellName(i+1, g.row)
		if err != nil {
			g.err = err
			return
		}
		switch v := v.(type) {
		case string:
			if v != "" {
				g.err = g.x.f.SetCellStr(g.sheet, cell, safeText(v))
			}
		case int:
			g.err = g.x.f.SetCellInt(g.sheet, cell, int64(v))
			if style == 0 {
				style = g.x.st.count
			}
		case float64:
			g.err = g.x.f.SetCellFloat(g.sheet, cell, v, -1, 64)
		case nil:
		default:
			g.err = fmt.Errorf("cell %s: unexpected %T", cell, v)
		}
		if g.err == nil && style != 0 {
			g.err = g.x.f.SetCellStyle(g.sheet, cell, cell, style)
		}
	}
}

func (g *grid) blank() { g.row++ }

// widths sets column widths from A on.
func (g *grid) widths(ws ...float64) {
	for i, w := range ws {
		if g.err != nil {
			return
		}
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			g.err = err
			return
		}
		g.err = g.x.f.SetColWidth(g.sheet, col, col, w)
	}
}

// header writes a table's header row.
func (g *grid) header(names ...string) {
	vs := make([]any, len(names))
	for i, n := range names {
		vs[i] = styled{n, g.x.st.section}
	}
	g.line(vs...)
}

func (x *xlsxWriter) summary() error {
	r := x.r
	s := r.Summary
	if err := x.f.SetSheetName("Sheet1", sheetSummary); err != nil {
		return err
	}
	if err := x.printLayout(sheetSummary, false); err != nil {
		return err
	}
	g := &grid{x: x, sheet: sheetSummary}
	g.widths(36, 12, 12, 12, 12, 12, 12, 14, 11, 11, 13, 14, 40)
	g.line(styled{"laborcheck report", x.st.title})
	g.line(styled{"Findings are risk indicators that call for follow-up, not a determination of forced labour.", x.st.note})
	g.line("Started at", r.Run.StartedAt.UTC().Format(time.RFC3339))
	g.line("laborcheck version", r.Run.Version)
	g.blank()
	if s.InputsIncomplete > 0 {
		g.line(styled{"Review incomplete: these files were read, but not reviewed in full", x.st.label})
		g.header("File", "Reason", "Unrecognised headers")
		for _, in := range r.Inputs {
			if len(in.Incomplete) > 0 {
				g.line(in.Path, strings.Join(in.Incomplete, "; "), strings.Join(in.UnrecognisedHeaders, ", "))
			}
		}
		g.blank()
	}

	chartRow := g.row + 1
	g.header("Contracts", "Count")
	g.line("Flagged", s.ContractsFlagged)
	g.line("Clear", s.ContractsClear)
	g.line("Insufficient data", s.ContractsInsufficient)
	if s.ContractsWithRuleErrors > 0 {
		g.line("Rule error", s.ContractsWithRuleErrors)
	}
	g.line(styled{"Total", x.st.label}, styled{s.Contracts, x.st.total})
	g.blank()

	g.header("Findings", "Count")
	g.line("Findings", s.Findings)
	failOn := s.FailOn
	if failOn == "" {
		failOn = r.Run.Options.FailOn
	}
	g.line(fmt.Sprintf("At or above fail-on (%s)", failOn), s.FindingsAtOrAbove)
	g.line("Waived (not counted towards fail-on)", s.Waived)
	g.line("Rule evaluations that failed", s.RuleErrors)
	g.blank()

	g.header("Inputs", "Count")
	g.line("Input files", s.Inputs)
	g.line("Unreadable input files", s.InputsUnreadable)
	g.line("Unreadable sheets", s.SheetsUnreadable)
	g.line("Incomplete input files (no contracts, no rule runs, coverage below minimum)", s.InputsIncomplete)
	g.line("Skipped sheets (no contract table)", s.SheetsSkipped)
	g.line("Cells that could not be read", s.DataIssues)
	g.blank()

	g.header("Severity", "Findings")
	for _, c := range severityCounts(s.BySeverity) {
		g.line(x.sevCell(c.Name), c.N)
	}
	g.blank()

	g.header("Indicator", "Findings")
	inds := indicatorCounts(s.ByIndicator)
	indFirst := g.row + 1
	for _, c := range inds {
		g.line(c.Name, c.N)
	}
	if len(inds) == 0 {
		g.line(styled{"no findings", x.st.note})
	}
	indLast := g.row
	g.blank()

	g.header("Supplier", "Risk score", "Contracts", "Flagged", "Clear", "Insufficient", "Findings", "Risk",
		"Supplier-level", "Paid fees", "No fees", "Fees unknown", "Fee-paid share", "Entity list match")
	order := supplierOrder(r)
	for _, i := range order {
		sup := r.Suppliers[i]
		var risk, share any = "", nil
		if sup.Risk != nil {
			risk = x.sevCell(*sup.Risk)
		}
		if sup.FeePaidShare != nil {
			share = styled{*sup.FeePaidShare, x.st.pct}
		}
		g.line(sup.Name, styled{sup.RiskScore, x.st.score}, sup.Contracts, sup.ContractsFlagged, sup.ContractsClear,
			sup.ContractsInsufficient, sup.Findings, risk, sup.CrossRowFindings,
			sup.FeesPaid, sup.FeesNotPaid, sup.FeesUnknown, share, sup.EntityListMatch)
	}
	if len(r.Suppliers) == 0 {
		g.line(styled{"no supplier or employer column", x.st.note})
	} else {
		// Which indicators each supplier's rosters let the rules check.
		g.blank()
		g.header("Supplier", "Coverage", "Indicators checked", "Partly checked", "Not checked")
		for _, i := range order {
			sup := r.Suppliers[i]
			g.line(sup.Name, styled{sup.Coverage, x.st.pct}, strings.Join(sup.IndicatorsChecked, ", "),
				strings.Join(sup.IndicatorsPartly, ", "), strings.Join(sup.IndicatorsNotChecked, ", "))
		}
	}
	if g.err != nil {
		return g.err
	}
	if len(inds) == 0 {
		return nil
	}
	// The chart sits right of the one- and two-column tables above the
	// supplier table, and is never taller than the rows up to it (20 px each).
	height := min(110+26*len(inds), 20*(indLast-chartRow+1))
	axisFont := excelize.Font{Color: "404040", Size: 9}
	// Counts are whole numbers: no 0.5 ticks for small ones.
	majorUnit := 0.0
	if inds[0].N <= 10 {
		majorUnit = 1
	}
	return x.f.AddChart(sheetSummary, fmt.Sprintf("D%d", chartRow), &excelize.Chart{
		Type:       excelize.Bar,
		VaryColors: new(false),
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("%s!$B$%d", sheetSummary, indFirst-1),
			Categories: fmt.Sprintf("%s!$A$%d:$A$%d", sheetSummary, indFirst, indLast),
			Values:     fmt.Sprintf("%s!$B$%d:$B$%d", sheetSummary, indFirst, indLast),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"2F5597"}},
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Findings by indicator"}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		XAxis:     excelize.ChartAxis{ReverseOrder: true, Font: axisFont}, // largest at the top
		YAxis:     excelize.ChartAxis{MajorGridLines: true, MajorUnit: majorUnit, Font: axisFont},
		PlotArea:  excelize.ChartPlotArea{ShowVal: true},
		Dimension: excelize.ChartDimension{Width: 720, Height: uint(height)},
		Format:    excelize.GraphicOptions{OffsetX: 10, OffsetY: 0},
	})
}

func (x *xlsxWriter) run() error {
	r := x.r
	if _, err := x.f.NewSheet(sheetRun); err != nil {
		return err
	}
	if err := x.printLayout(sheetRun, false); err != nil {
		return err
	}
	g := &grid{x: x, sheet: sheetRun}
	g.widths(34, 18, 14, 12, 10, 40, 40, 40)
	g.line(styled{"Run", x.st.title})
	g.line("Version", r.Run.Version)
	g.line("Started at", r.Run.StartedAt.UTC().Format(time.RFC3339))
	g.line("Rules digest (sha256)", r.Run.RulesDigest)
	g.line("Fail on", r.Run.Options.FailOn)
	g.line("As of", r.Run.Options.AsOf)
	g.line("Sheet", r.Run.Options.Sheet)
	g.line("Map file", r.Run.Options.MapFile)
	g.blank()

	g.header("Input", "Format", "Status", "Sheets", "Contracts", "Error", "Hint", "Notes", "Review incomplete", "Unrecognised headers")
	for _, in := range r.Inputs {
		status, rows := "read", 0
		if in.Error != nil {
			status = "unreadable"
		} else if len(in.Incomplete) > 0 {
			status = "incomplete"
		}
		for _, s := range in.Sheets {
			rows += s.Rows
		}
		g.line(in.Path, in.Format, status, len(in.Sheets), rows, deref(in.Error), in.Hint,
			strings.Join(in.Notes, "; "), strings.Join(in.Incomplete, "; "), strings.Join(in.UnrecognisedHeaders, ", "))
	}
	g.blank()

	g.header("Input", "SHA-256")
	for _, in := range r.Inputs {
		g.line(in.Path, in.SHA256)
	}
	g.blank()

	g.header("Input", "Sheet", "Status", "Header row", "Contracts", "Reason", "Unmapped headers", "Notes",
		"Rules run", "Rules total", "Not checked (needs)", "Partly checked (lacks)")
	for _, in := range r.Inputs {
		for _, s := range in.Sheets {
			reason := s.Skipped
			if s.Error != nil {
				reason = *s.Error
			}
			if s.Hidden {
				reason = strings.TrimPrefix(reason+"; hidden sheet", "; ")
			}
			unmapped := make([]string, len(s.Unmapped))
			for i, c := range s.Unmapped {
				unmapped[i] = c.Column + " " + c.Header
			}
			g.line(in.Path, s.Name, sheetStatus(s), s.HeaderRow, s.Rows, reason,
				strings.Join(unmapped, "; "), strings.Join(s.Notes, "; "),
				s.RulesChecked, s.RulesTotal, ruleNeedsText(s.NotChecked), ruleNeedsText(s.PartlyChecked))
		}
	}
	g.blank()

	g.header("Input", "Sheet", "Column", "Header", "Field")
	for _, in := range r.Inputs {
		for _, s := range in.Sheets {
			for _, c := range sheetColumns(s) {
				var field any = c.Field
				if c.Field == "" {
					field = styled{"(not mapped)", x.st.note}
				}
				g.line(in.Path, s.Name, c.Column, c.Header, field)
			}
		}
	}
	g.blank()

	g.header("Rule file", "SHA-256")
	for _, rf := range r.Run.RuleFiles {
		g.line(rf.Path, rf.SHA256)
	}
	g.blank()

	if len(r.Run.Warnings) > 0 {
		g.header("Warning")
		for _, w := range r.Run.Warnings {
			g.line(w)
		}
		g.blank()
	}

	if len(r.Run.Vocabularies) > 0 {
		g.header("Vocabulary", "Kind", "Source", "As of", "SHA-256")
		for _, v := range r.Run.Vocabularies {
			g.line(v.Path, v.Kind, v.Source, v.AsOf, v.SHA256)
		}
		g.blank()
	}

	if len(r.Run.DisabledRules) > 0 {
		g.header("Disabled rule", "Defined at", "Disabled by")
		for _, d := range r.Run.DisabledRules {
			g.line(d.ID, d.Source, d.DisabledBy)
		}
		g.blank()
	}

	if len(r.Run.WaiverFiles) > 0 {
		g.header("Waiver file", "SHA-256")
		for _, w := range r.Run.WaiverFiles {
			g.line(w.Path, w.SHA256)
		}
		g.blank()
	}

	g.header("Table", "SHA-256")
	for _, t := range r.Run.Tables {
		g.line(t.Path, t.SHA256)
	}
	return g.err
}

// ruleNeedsText writes rules and the headers they need as
// "fee-vs-wage: Basic Salary; no-written-contract: Written Contract".
func ruleNeedsText(l []RuleNeeds) string {
	parts := make([]string, len(l))
	for i, n := range l {
		parts[i] = n.Rule + ": " + strings.Join(n.Needs, ", ")
	}
	return strings.Join(parts, "; ")
}
