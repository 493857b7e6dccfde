// Package rostergen generates realistic labour-contract rosters for
// laborcheck's benchmarks: a header row in the spellings HR systems and
// recruitment agencies use, then one row per worker, with a share of risky
// contracts (recruitment fees, retained passports, long hours, withheld
// wages, minors…) and the messy values real rosters carry ("USD 1,200",
// "Company safe", "N/A", dates both as date cells and as text).
//
// Workbooks are written the way LibreOffice Calc saves them (every string in
// the shared strings table, dates as numbers with a date style, the same row
// and cell attributes), so a benchmark reads what users actually send. The
// same rows can be written as CSV.
//
// Output is deterministic: the same Options give the same bytes.
package rostergen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// Options describe a roster.
type Options struct {
	Rows int // contracts (data rows below the header)
	// Seed varies the rows; 0 means 1.
	Seed uint64
	// RiskyShare is the share of contracts that carry one or more risk
	// indicators; 0 means 0.08, a negative value none.
	RiskyShare float64
	// Sheet is the worksheet's name; "" means "Workers".
	Sheet string
	// First is the first contract written, counted from 0 in the stream
	// of contracts the seed gives: a roster of Rows from First is that
	// part of a larger roster with the same seed, so one roster can be
	// written as several files with the same rows.
	First int
}

func (o Options) withDefaults() Options {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.RiskyShare == 0 {
		o.RiskyShare = 0.08
	}
	if o.Sheet == "" {
		o.Sheet = "Workers"
	}
	return o
}

// Kind is how a cell is stored in a workbook.
type Kind uint8

// Cell kinds.
const (
	Blank  Kind = iota // no cell
	Text               // a string (shared string in workbooks)
	Number             // a number
	Date               // a date: a serial number with a date style in workbooks, ISO text in CSV
)

// Cell is one generated cell.
type Cell struct {
	Kind Kind
	Text string  // Text
	Num  float64 // Number; Date: the serial number (1900 date system)
}

// String renders the cell as CSV carries it: numbers as a spreadsheet shows
// them in the General format, dates as dd/mm/yyyy (the day-first form the
// header rows' regions use).
func (c Cell) String() string {
	switch c.Kind {
	case Text:
		return c.Text
	case Number:
		return strconv.FormatFloat(c.Num, 'f', -1, 64)
	case Date:
		return serialTime(c.Num).Format("02/01/2006")
	}
	return ""
}

// Header is the roster's header row: 39 columns under the spellings rosters
// use for the canonical fields (see internal/contract/schema.yaml).
var Header = []string{
	"Contract No", "Employee ID", "Worker Name", "Passport No", "Nationality", "DOB",
	"Employer", "Supplier", "Country", "Mother Tongue",
	"Recruitment Fee (USD)", "Visa Fee", "Air Ticket", "Medical Fee", "Other Fees",
	"Contract (Y/N)", "Contract Language", "Date Signed", "Arrival Date",
	"Promised Salary", "Basic Salary", "Legal Minimum Wage", "Pay Frequency", "Paid To",
	"Wages Withheld", "Total Deductions", "Loan Repayment", "Deposit",
	"Normal Hours", "OT Hours", "Rest Days", "Voluntary OT",
	"Passport Held By", "Work Permit Held By", "Notice Period", "Release Letter Required",
	"Accommodation Provided", "Exit Penalty", "Remarks",
}

// Column indexes into Header.
const (
	colContract = iota
	colEmployee
	colName
	colPassport
	colNationality
	colDOB
	colEmployer
	colSupplier
	colCountry
	colTongue
	colFee
	colVisa
	colTicket
	colMedical
	colOther
	colWritten
	colLanguage
	colSigned
	colArrival
	colPromised
	colBasic
	colMinWage
	colPayFreq
	colPaidTo
	colWithheld
	colDeductions
	colRepayment
	colDeposit
	colNormalHours
	colOTHours
	colRestDays
	colVoluntaryOT
	colPassportHeld
	colPermitHeld
	colNotice
	colRelease
	colHousing
	colExitPenalty
	colRemarks
	numCols
)

type country struct {
	name, currency string
	minWage        float64
}

var (
	countries = []country{
		{"Malaysia", "MYR", 1500}, {"Thailand", "THB", 10500}, {"Taiwan", "TWD", 27470},
		{"Qatar", "QAR", 1800}, {"Saudi Arabia", "SAR", 1500}, {"Jordan", "JOD", 260},
	}
	// origins pairs a nationality with its language.
	origins = []struct{ nationality, language string }{
		{"Nepal", "Nepali"}, {"Bangladesh", "Bangla"}, {"Myanmar", "Burmese"}, {"Indonesia", "Bahasa Indonesia"},
		{"Philippines", "Tagalog"}, {"Viet Nam", "Vietnamese"}, {"India", "Hindi"}, {"Sri Lanka", "Sinhala"},
		{"Cambodia", "Khmer"}, {"Pakistan", "Urdu"},
	}
	given = []string{"Ram", "Sita", "Abdul", "Fatema", "Maria", "Jose", "Dewi", "Budi", "Lan", "Minh", "Aung", "Hla",
		"Imran", "Ayesha", "Rina", "Kiran", "Mohammed", "Nur", "Joy", "Grace", "Anil", "Pooja", "Sokha", "Chanthy"}
	family = []string{"Tamang", "Gurung", "Rai", "Hossain", "Rahman", "Santos", "Reyes", "Cruz", "Wijaya", "Nguyen",
		"Tran", "Win", "Oo", "Khan", "Ali", "Sharma", "Thapa", "Magar", "Perera", "Silva", "Sok", "Chea"}
	supplierNames = []string{"Sunrise Apparel Sdn. Bhd.", "Golden Thread Garments", "Lucky Precision Electronics",
		"Andaman Star Fishing Co.", "Formosa Circuit Co., Ltd.", "Western Cotton Spinning", "Lotus Knitwear Ltd.",
		"Harbour Glove Industries", "Eastern Rubber Products", "Pacific Seafood Processing", "Desert Build Contracting",
		"Crescent Facilities Management", "Orchid Poultry Farms", "Summit Solar Components", "Blue River Textiles",
		"Metro Cleaning Services"}
)

const (
	employersPerSupplier = 6
	dateStart            = 43831 // 2020-01-01 as a serial number
	minorBorn            = 39814 // 2009-01-01
)

// generator makes the rows of one roster.
type generator struct {
	opts Options
	rng  *rand.Rand
	row  []Cell
}

func newGenerator(opts Options) *generator {
	opts = opts.withDefaults()
	return &generator{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15)), row: make([]Cell, numCols)}
}

func text(s string) Cell      { return Cell{Kind: Text, Text: s} }
func num(f float64) Cell      { return Cell{Kind: Number, Num: f} }
func date(serial int) Cell    { return Cell{Kind: Date, Num: float64(serial)} }
func (g *generator) pct() int { return g.rng.IntN(100) }

func pick[T any](g *generator, list []T) T { return list[g.rng.IntN(len(list))] }

// next returns data row i (0-based); the slice is reused by the next call.
func (g *generator) next(i int) []Cell {
	r := g.row
	clear(r)
	risky := g.opts.RiskyShare > 0 && g.rng.Float64() < g.opts.RiskyShare

	s := g.rng.IntN(len(supplierNames))
	e := s*employersPerSupplier + g.rng.IntN(employersPerSupplier)
	ctry := countries[e%len(countries)]
	o := origins[g.rng.IntN(len(origins))]

	r[colContract] = text(fmt.Sprintf("CT-%d-%06d", 2021+i%4, i+1))
	r[colEmployee] = text("E" + strconv.Itoa(100000+i))
	r[colName] = text(pick(g, given) + " " + pick(g, family))
	r[colPassport] = text(passport(i))
	r[colNationality] = text(o.nationality)
	r[colEmployer] = text(fmt.Sprintf("%s Plant %d", supplierNames[s], e%employersPerSupplier+1))
	r[colSupplier] = text(supplierNames[s])
	r[colCountry] = text(ctry.name)
	r[colTongue] = text(o.language)

	// Dates: most as date cells, some typed as text, a few missing.
	dob := dateStart - (20+g.rng.IntN(30))*365 - g.rng.IntN(365)
	arrival := dateStart + g.rng.IntN(4*365)
	signed := arrival - 20 - g.rng.IntN(60)
	r[colDOB] = g.dateCell(dob)
	r[colSigned] = g.dateCell(signed)
	r[colArrival] = g.dateCell(arrival)

	// Money: no costs charged to the worker, written as 0, "0", "nil" or "-".
	for _, c := range []int{colFee, colVisa, colTicket, colMedical, colOther} {
		switch p := g.pct(); {
		case p < 80:
			r[c] = num(0)
		case p < 90:
			r[c] = text("nil")
		default:
			r[c] = text("0")
		}
	}
	wage := ctry.minWage * (1 + float64(g.rng.IntN(40))/100)
	wage = float64(int(wage/10) * 10)
	r[colPromised] = num(wage)
	if g.pct() < 4 {
		r[colBasic] = text(ctry.currency + " " + groupThousands(wage))
	} else {
		r[colBasic] = num(wage)
	}
	r[colMinWage] = num(ctry.minWage)
	r[colPayFreq] = text(pick(g, []string{"Monthly", "Monthly", "Monthly", "30 days", "Every month"}))
	r[colPaidTo] = text(pick(g, []string{"Worker", "Self", "Bank account", "Worker account"}))
	r[colWithheld] = num(0)
	r[colDeductions] = num(float64(int(wage*0.05/10) * 10))
	r[colRepayment] = num(0)
	r[colDeposit] = num(0)
	r[colNormalHours] = num(48)
	r[colOTHours] = num(float64(g.rng.IntN(5) * 2))
	r[colRestDays] = pick(g, []Cell{num(1), num(1), text("Sunday"), text("1 day")})
	r[colVoluntaryOT] = text(pick(g, []string{"Yes", "Yes", "Y", "yes"}))
	r[colWritten] = text(pick(g, []string{"Y", "Yes", "Y"}))
	r[colLanguage] = text(pick(g, []string{o.language, "English/" + o.language, o.language + " and English"}))
	r[colPassportHeld] = text(pick(g, []string{"Worker", "Self", "With worker", "worker"}))
	r[colPermitHeld] = text(pick(g, []string{"Worker", "Self", "worker"}))
	r[colNotice] = text(pick(g, []string{"30 days", "1 month", "2 weeks", "30"}))
	r[colRelease] = text("No")
	r[colHousing] = text("No")
	r[colExitPenalty] = num(0)

	// Gaps: a cell left blank or written as a placeholder leaves the rules
	// that need it undecided (insufficient data).
	if p := g.pct(); p < 12 {
		c := pick(g, []int{colRestDays, colOTHours, colVoluntaryOT, colHousing, colPermitHeld, colMinWage, colNotice})
		r[c] = pick(g, []Cell{{}, text("N/A"), text("TBC"), text("-")})
		if c == colHousing {
			r[c] = text("Yes") // free to leave and curfew are not recorded
		}
	}
	// Cells that cannot be read at all (data issues).
	if g.rng.IntN(200) == 0 {
		r[colBasic] = text("see payslip")
	}
	if g.rng.IntN(400) == 0 {
		r[colArrival] = text("last spring")
	}
	if risky {
		g.risk(i, r, ctry, wage, arrival)
	}
	if g.pct() < 3 {
		r[colRemarks] = text(pick(g, []string{"Transferred from Plant 2", "Second contract", "Renewed", "Fee reimbursed; see note"}))
	}
	return r
}

// passport is worker i's passport number.
func passport(i int) string { return fmt.Sprintf("%c%07d", 'A'+byte(i%26), (i*7919)%10000000) }

// risk writes one to three risk indicators into row i.
func (g *generator) risk(i int, r []Cell, ctry country, wage float64, arrival int) {
	n := 1 + g.rng.IntN(3)
	for range n {
		switch g.rng.IntN(17) {
		case 16: // the passport number of a worker a few rows up
			if i > 0 {
				r[colPassport] = text(passport(max(0, i-1-g.rng.IntN(50))))
			}
		case 0, 1: // recruitment fee, often over a month's wage
			fee := float64(600 + g.rng.IntN(30)*100)
			if g.pct() < 50 {
				r[colFee] = text("USD " + groupThousands(fee))
			} else {
				r[colFee] = num(fee)
			}
			r[colTicket] = num(float64(200 + g.rng.IntN(10)*50))
		case 2, 3:
			r[colPassportHeld] = text(pick(g, []string{"Company safe", "HR", "Agent", "employer", "HR office", "Supervisor"}))
		case 4:
			r[colPermitHeld] = text(pick(g, []string{"HR", "Company", "Agency"}))
		case 5: // long hours
			r[colNormalHours] = num(float64(54 + g.rng.IntN(3)*6))
			r[colOTHours] = num(float64(12 + g.rng.IntN(4)*6))
			r[colVoluntaryOT] = text("No")
		case 6:
			r[colWithheld] = num(wage * float64(1+g.rng.IntN(3)))
			r[colPayFreq] = text(pick(g, []string{"Quarterly", "every 2 months", "60 days"}))
		case 7: // a minor: born in 2009-2011, under 18 until 2027
			r[colDOB] = g.dateCell(minorBorn + g.rng.IntN(3*365))
		case 8:
			r[colDeposit] = text(ctry.currency + " " + groupThousands(float64(500+g.rng.IntN(10)*100)))
		case 9:
			r[colExitPenalty] = num(float64(1000 + g.rng.IntN(20)*500))
			r[colRelease] = text("Yes")
		case 10:
			r[colPaidTo] = text(pick(g, []string{"Agent", "Supervisor", "Broker"}))
		case 11:
			r[colRepayment] = num(float64(100 + g.rng.IntN(10)*50))
			r[colDeductions] = num(wage * 0.4)
		case 12:
			r[colLanguage] = text("English")
		case 13:
			r[colSigned] = g.dateCell(arrival + 5 + g.rng.IntN(30))
		case 14:
			r[colBasic] = num(float64(int(wage*0.8/10) * 10))
			r[colNotice] = text("3 months")
		case 15:
			r[colWritten] = text("N")
			r[colRestDays] = num(0)
		}
	}
}

// dateCell writes a date as a date cell (most), as day-first text (some,
// as typed by hand) or not at all (a few).
func (g *generator) dateCell(serial int) Cell {
	switch p := g.pct(); {
	case p < 85:
		return date(serial)
	case p < 93:
		return text(serialTime(float64(serial)).Format("02/01/2006"))
	case p < 98:
		return text(serialTime(float64(serial)).Format("2 Jan 2006"))
	default:
		return text("N/A")
	}
}

var epoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

func serialTime(serial float64) time.Time {
	return epoch.AddDate(0, 0, int(serial))
}

// groupThousands renders a whole amount with comma separators: 1200 → "1,200".
func groupThousands(f float64) string {
	s := strconv.FormatInt(int64(f), 10)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// Each calls fn with the header row (row 1, Text cells) and then every data
// row (2, 3, …) of the roster; the cells are reused between calls.
func Each(opts Options, fn func(row int, cells []Cell) error) error {
	g := newGenerator(opts)
	head := make([]Cell, len(Header))
	for i, h := range Header {
		head[i] = text(h)
	}
	if err := fn(1, head); err != nil {
		return err
	}
	for i := range g.opts.First + g.opts.Rows {
		cells := g.next(i)
		if i < g.opts.First {
			continue
		}
		if err := fn(i-g.opts.First+2, cells); err != nil {
			return err
		}
	}
	return nil
}
