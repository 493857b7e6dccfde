package crossrow

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/laborcheck/laborcheck/internal/contract"
	"github.com/laborcheck/laborcheck/internal/refdata"
)

func rec(row int, group, worker string, fees FeeStatus) Record {
	return Record{Ref: Ref{File: "r.csv", Row: row, ContractID: fmt.Sprint("C", row)}, Group: group, Supplier: group, Worker: worker, Fees: fees}
}

func byCheck(fs []Finding, id string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Check.ID == id {
			out = append(out, f)
		}
	}
	return out
}

func TestFeeShare(t *testing.T) {
	tests := []struct {
		name    string
		fees    []FeeStatus
		want    contract.Severity // SeverityNone: no finding
		wantMsg string
	}{
		{"nobody paid", []FeeStatus{FeesNotPaid, FeesNotPaid}, contract.SeverityNone, ""},
		{"nothing known", []FeeStatus{FeesUnknown, FeesUnknown}, contract.SeverityNone, ""},
		{"one of twenty: a lone case", append([]FeeStatus{FeesPaid}, repeat(FeesNotPaid, 19)...), contract.Medium, "1 of 20 workers"},
		{"two of twenty", append([]FeeStatus{FeesPaid, FeesPaid}, repeat(FeesNotPaid, 18)...), contract.High, "2 of 20 workers"},
		{"three of twenty", append([]FeeStatus{FeesPaid, FeesPaid, FeesPaid}, repeat(FeesNotPaid, 17)...), contract.Critical, "3 of 20 workers"},
		{"one of two: a small sample", []FeeStatus{FeesPaid, FeesNotPaid}, contract.High, "1 of 2 workers"},
		{"four of four: a small sample", repeat(FeesPaid, 4), contract.High, "4 of 4 workers"},
		{"three of five", append(repeat(FeesPaid, 3), FeesNotPaid, FeesNotPaid), contract.Critical, "3 of 5 workers"},
		{"unknowns are not counted as unpaid", append([]FeeStatus{FeesPaid, FeesNotPaid, FeesNotPaid}, repeat(FeesUnknown, 30)...), contract.High, "30 more with costs not recorded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{})
			for i, f := range tc.fees {
				c.Add(rec(i+2, "Acme Garments", fmt.Sprint("W", i), f))
			}
			got := byCheck(c.Findings(), FeeShare.ID)
			if tc.want == contract.SeverityNone {
				if len(got) != 0 {
					t.Fatalf("got %d fee-share findings, want none: %v", len(got), got[0].Message)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d fee-share findings, want 1", len(got))
			}
			if got[0].Severity != tc.want || !strings.Contains(got[0].Message, tc.wantMsg) || got[0].Groups[0] != "Acme Garments" {
				t.Errorf("got %s %q groups %v, want %s containing %q", got[0].Severity, got[0].Message, got[0].Groups, tc.want, tc.wantMsg)
			}
			if got[0].Contracts[0].Row != 2 {
				t.Errorf("first contract row %d, want 2", got[0].Contracts[0].Row)
			}
		})
	}
}

func repeat(f FeeStatus, n int) []FeeStatus {
	out := make([]FeeStatus, n)
	for i := range out {
		out[i] = f
	}
	return out
}

func TestSharedPassport(t *testing.T) {
	c := New(Options{})
	add := func(row int, worker, employer, passport string) {
		r := rec(row, employer, worker, FeesUnknown)
		r.Employer = employer
		r.Passport = NormalizeDocument(passport)
		c.Add(r)
	}
	add(2, "W1", "Acme", "P1234567")
	add(3, "W2", "Acme", "p-123 4567") // same number, another worker
	add(4, "W3", "Acme", "P7654321")
	add(5, "W3", "Acme", "P7654321") // the same worker listed twice: not a finding
	add(6, "W4", "Acme", "K5555555")
	add(7, "W4", "Bravo Ltd", "K5555555") // one worker at two employers
	add(8, "W5", "Acme", "N/A")
	add(9, "W6", "Acme", "000000")
	add(10, "W7", "Acme", "000000")
	got := byCheck(c.Findings(), SharedPassport.ID)
	if len(got) != 2 {
		for _, f := range got {
			t.Log(f.Message)
		}
		t.Fatalf("got %d shared-passport findings, want 2", len(got))
	}
	if got[0].Contracts[0].Row != 2 || got[0].Total != 2 || got[0].Severity != contract.High {
		t.Errorf("first finding %+v", got[0])
	}
	if !strings.Contains(got[0].Message, "****4567") || strings.Contains(got[0].Message, "P1234567") {
		t.Errorf("message should mask the number: %q", got[0].Message)
	}
	if got[1].Contracts[0].Row != 6 || len(got[1].Groups) != 2 || !strings.Contains(got[1].Message, "2 employers") {
		t.Errorf("second finding %q groups %v", got[1].Message, got[1].Groups)
	}
}

func TestSharedBankAccount(t *testing.T) {
	c := New(Options{})
	add := func(row int, worker, account string) {
		r := rec(row, "Acme", worker, FeesUnknown)
		r.BankAccount = NormalizeDocument(account)
		c.Add(r)
	}
	add(2, "W1", "MY12 3456 7890")
	add(3, "W2", "my1234567890")
	add(4, "W3", "5550001111")
	add(5, "W4", "5550001111")
	add(6, "W5", "5550001111")
	add(7, "W6", "9990001111")
	got := byCheck(c.Findings(), SharedBankAccount.ID)
	if len(got) != 2 {
		t.Fatalf("got %d findings, want 2", len(got))
	}
	if got[0].Severity != contract.High || got[1].Severity != contract.Critical {
		t.Errorf("severities %s %s, want high critical", got[0].Severity, got[1].Severity)
	}
	if !strings.Contains(got[1].Message, "3 workers") {
		t.Errorf("message %q", got[1].Message)
	}
}

func TestMaxRefs(t *testing.T) {
	c := New(Options{MaxRefs: 3})
	for i := range 10 {
		r := rec(i+2, "Acme", fmt.Sprint("W", i), FeesPaid)
		r.BankAccount = "ACCOUNT123"
		c.Add(r)
	}
	for _, f := range c.Findings() {
		if len(f.Contracts) != 3 || f.Total != 10 {
			t.Errorf("%s: %d contracts listed of %d, want 3 of 10", f.Check.ID, len(f.Contracts), f.Total)
		}
	}
}

func TestSummaries(t *testing.T) {
	c := New(Options{})
	c.Add(rec(2, "Acme", "W1", FeesPaid))
	c.Add(rec(3, "Acme", "W2", FeesNotPaid))
	c.Add(rec(4, "Acme", "W3", FeesUnknown))
	c.Add(rec(5, "Bravo", "W4", FeesNotPaid))
	fs := c.Findings()
	s := c.Summaries(fs)
	if a := s["Acme"]; a.Workers != 3 || a.FeesPaid != 1 || a.FeesNotPaid != 1 || a.FeesUnknown != 1 || a.FeePaidShare != 0.5 || a.Findings != 1 {
		t.Errorf("Acme: %+v", a)
	}
	if b := s["Bravo"]; b.Workers != 1 || b.FeePaidShare != 0 || b.Findings != 0 {
		t.Errorf("Bravo: %+v", b)
	}
}

func TestExtractor(t *testing.T) {
	s := contract.DefaultSchema()
	x := NewExtractor(s)
	mk := func(cells map[string]string) *contract.Contract {
		c := &contract.Contract{File: "f.xlsx", Sheet: "Roster", Row: 7, Values: make([]contract.Value, s.Len())}
		for k, raw := range cells {
			f := s.Field(k)
			v, err := f.Parse(raw, contract.Hints{})
			if err != nil {
				t.Fatalf("%s %q: %v", k, raw, err)
			}
			c.Values[f.Index] = v
		}
		return c
	}
	allZero := map[string]string{"recruitment_fee_paid_by_worker": "0", "visa_cost_paid_by_worker": "0", "travel_cost_paid_by_worker": "0",
		"medical_cost_paid_by_worker": "0", "other_recruitment_cost_paid_by_worker": "0"}
	r := x.Record(mk(allZero))
	if r.Fees != FeesNotPaid {
		t.Errorf("all costs zero: fees %v, want not paid", r.Fees)
	}
	r = x.Record(mk(map[string]string{"travel_cost_paid_by_worker": "USD 300", "employer_name": "Acme", "worker_name": "Ram Thapa",
		"passport_number": "pa 123-4567", "bank_account": "N/A", "contract_id": "K-1"}))
	if r.Fees != FeesPaid || r.Group != "Acme" || r.Worker != "ram thapa" || r.Passport != "PA1234567" || r.BankAccount != "" || r.ContractID != "K-1" {
		t.Errorf("record %+v", r)
	}
	if r.Ref.String() != "f.xlsx:Roster:7" {
		t.Errorf("ref %s", r.Ref)
	}
	if r = x.Record(mk(map[string]string{"recruitment_fee_paid_by_worker": "0"})); r.Fees != FeesUnknown {
		t.Errorf("other costs blank: fees %v, want unknown", r.Fees)
	}
}

func TestEntityList(t *testing.T) {
	csv := "entity_name;aliases;list\n" +
		"Example Cotton Trading Co., Ltd.;Example Cotton | 示例棉业有限公司;UFLPA\n" +
		"The Sample Polysilicon Company Limited (Sample Group);;UFLPA\n" +
		"Hypothetical Textiles & Yarns LLC;;UFLPA\n"
	l, err := ReadEntityList("entities.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 3 {
		t.Fatalf("Len %d, want 3", l.Len())
	}
	tests := []struct {
		name string
		want string // "" for no match
	}{
		{"EXAMPLE COTTON TRADING CO LTD", "Example Cotton Trading Co., Ltd."},
		{"Example Cotton Trading Company Limited", "Example Cotton Trading Co., Ltd."},
		{"Example  Cotton", "Example Cotton Trading Co., Ltd."},
		{"示例棉业", "Example Cotton Trading Co., Ltd."},
		{"Sample Polysilicon Co.", "The Sample Polysilicon Company Limited (Sample Group)"},
		{"Sample Group", "The Sample Polysilicon Company Limited (Sample Group)"},
		{"Hypothetical Textiles and Yarns, L.L.C.", "Hypothetical Textiles & Yarns LLC"},
		{"Hypothetical Textiles and Yarns LLC", "Hypothetical Textiles & Yarns LLC"},
		{"Example Cotton Trading Shenzhen Co., Ltd.", ""},
		{"Acme Garments Sdn. Bhd.", ""},
	}
	for _, tc := range tests {
		e, ok := l.Match(tc.name)
		if got := map[bool]string{true: e.Name, false: ""}[ok]; got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if _, err := ReadEntityList("x.csv", []byte("supplier,country\nA,CN\n")); err == nil || !strings.Contains(err.Error(), "no name column") {
		t.Errorf("no name column: err %v", err)
	}

	c := New(Options{EntityList: l})
	r := rec(2, "Acme Garments", "W1", FeesNotPaid)
	r.Employer = "Example Cotton Trading Co Ltd"
	c.Add(r)
	c.Add(rec(3, "Sample Group", "W2", FeesNotPaid))
	c.Add(rec(4, "Sample Group", "W3", FeesNotPaid))
	got := byCheck(c.Findings(), EntityListMatch.ID)
	if len(got) != 2 {
		t.Fatalf("got %d entity-list findings, want 2", len(got))
	}
	if got[0].Groups[0] != "Acme Garments" || !strings.Contains(got[0].Message, `Employer "Example Cotton Trading Co Ltd" of supplier "Acme Garments"`) {
		t.Errorf("first: %q", got[0].Message)
	}
	if got[1].Contracts[0].Row != 3 || got[1].Total != 2 || got[1].Severity != contract.Critical {
		t.Errorf("second: %+v", got[1])
	}
	if s := c.Summaries(got)["Sample Group"]; s.EntityMatch != "The Sample Polysilicon Company Limited (Sample Group)" {
		t.Errorf("summary entity match %q", s.EntityMatch)
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"Acme Garments Sdn. Bhd.":      "acme garments",
		"ACME GARMENTS SDN BHD":        "acme garments",
		"The Acme Company":             "acme",
		"Co.":                          "co",
		"Nusantara Apparel PT Tbk":     "nusantara apparel",
		"示例棉业有限公司":                     "示例棉业",
		"Bright Star (H.K.) Pte. Ltd.": "bright star hk",
	} {
		if got := normalizeName(in); got != want {
			t.Errorf("normalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzReadEntityList feeds arbitrary files to the entity-list reader and
// names to the matcher: no panics, and every entry matches its own name.
func FuzzReadEntityList(f *testing.F) {
	f.Add([]byte("entity_name;aliases\nExample Co., Ltd.;Ex (Group) | 示例有限公司\n"), "EXAMPLE CO LTD")
	f.Add([]byte("name\n\"The (A) B\"\n(\n）（\n"), "the")
	f.Add([]byte("\xef\xbb\xbfName,alias\n\"x\"\"y\",\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		l, err := ReadEntityList("f.csv", data)
		if err != nil {
			return
		}
		l.Match(name)
		for _, e := range l.entries {
			if normalizeName(e.Name) == "" {
				continue
			}
			if _, ok := l.Match(e.Name); !ok {
				t.Errorf("entry %q does not match itself", e.Name)
			}
		}
	})
}

// Numbers are told apart by the number, not its hash: with every number
// hashing alike, the findings are the same.
func TestSharedNumbersHashCollisions(t *testing.T) {
	add := func(c *Checker) {
		for i := range 40 {
			r := rec(i+2, fmt.Sprint("Supplier ", i%3), fmt.Sprint("W", i), FeesNotPaid)
			r.Passport = fmt.Sprintf("P%07d", i%7)
			r.BankAccount = fmt.Sprintf("ACC%06d", i%11)
			r.Employer = fmt.Sprint("Employer ", i%5)
			c.Add(r)
		}
	}
	want := New(Options{})
	add(want)
	w := want.Findings()
	for _, spill := range []bool{false, true} {
		got := New(Options{Spill: spill, SpillDir: t.TempDir()})
		got.hash = func(string) uint64 { return 42 }
		add(got)
		g := got.Findings()
		if len(w) == 0 || fmt.Sprint(w) != fmt.Sprint(g) {
			t.Errorf("spill %v: findings differ with colliding hashes:\n%v\n%v", spill, w, g)
		}
		if err := got.Err(); err != nil {
			t.Error(err)
		}
		if err := got.Close(); err != nil {
			t.Error(err)
		}
	}
}

// With Spill, first sightings wait in a temporary file, which Close
// removes; the findings are the same.
func TestSpill(t *testing.T) {
	dir := t.TempDir()
	add := func(c *Checker) {
		for i := range 500 {
			r := rec(i+2, fmt.Sprint("Supplier ", i%4), fmt.Sprint("W", i%450), FeesNotPaid)
			r.Passport = fmt.Sprintf("P%07d", i%470)
			r.BankAccount = fmt.Sprintf("ACC%06d", i%490)
			c.Add(r)
		}
	}
	mem := New(Options{})
	add(mem)
	want := fmt.Sprint(mem.Findings())
	// Past maxHashes rows the hashes go to temporary files too.
	for _, limit := range []int{maxHashes, 100} {
		defer func(old int) { maxHashes = old }(maxHashes)
		maxHashes = limit
		disk := New(Options{Spill: true, SpillDir: dir})
		add(disk)
		if got := fmt.Sprint(disk.Findings()); got != want {
			t.Errorf("max %d hashes: findings differ:\n%s\n%s", limit, want, got)
		}
		if limit == 100 && (disk.passports.buckets == nil || disk.passports.hashes != nil) {
			t.Error("the hashes did not spill")
		}
		if err := disk.Err(); err != nil {
			t.Fatal(err)
		}
		if err := disk.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files left in the spill directory", len(entries))
	}
}

func TestNormalizeDocument(t *testing.T) {
	for s, want := range map[string]string{"A1234567": "A1234567", "a123-4567": "A1234567", "P 12 34 56": "P123456",
		"0000000": "", "AAAA": "", "N/A": "", "": "", "éé12345": "ÉÉ12345", "AB12": ""} {
		if got := NormalizeDocument(s); got != want {
			t.Errorf("NormalizeDocument(%q) = %q, want %q", s, got, want)
		}
	}
}

// Fees are known from the cost columns a roster has: a supplier whose
// roster records only the recruitment fee, 3 of 10 workers paying and 7
// with an explicit 0, has a fee share of 30%, not 100%.
func TestFeeShareFromColumnsTheRosterHas(t *testing.T) {
	s := contract.DefaultSchema()
	fee := s.Field("recruitment_fee_paid_by_worker").Index
	cols := contract.NewColumns(s.Len())
	for _, name := range []string{"worker_id", "supplier_name", "recruitment_fee_paid_by_worker"} {
		cols.Has[s.Field(name).Index] = true
	}
	x := NewExtractor(s)
	c := New(Options{})
	for i := range 10 {
		ct := &contract.Contract{File: "r.csv", Row: i + 2, Values: make([]contract.Value, s.Len()), Columns: cols}
		ct.Values[s.Field("worker_id").Index] = contract.Value{Present: true, Str: fmt.Sprint("W", i)}
		ct.Values[s.Field("supplier_name").Index] = contract.Value{Present: true, Str: "Acme Garments"}
		ct.Values[fee] = contract.Value{Present: true, Raw: "0"}
		if i < 3 {
			ct.Values[fee] = contract.Value{Present: true, Num: 500, Raw: "500"}
		}
		c.Add(x.Record(ct))
	}
	// A blank cell in the fee column leaves that worker unknown.
	blank := &contract.Contract{File: "r.csv", Row: 12, Values: make([]contract.Value, s.Len()), Columns: cols}
	blank.Values[s.Field("supplier_name").Index] = contract.Value{Present: true, Str: "Acme Garments"}
	blank.Values[s.Field("worker_id").Index] = contract.Value{Present: true, Str: "W10"}
	c.Add(x.Record(blank))
	findings := c.Findings()
	sum := c.Summaries(findings)["Acme Garments"]
	if sum.FeesPaid != 3 || sum.FeesNotPaid != 7 || sum.FeesUnknown != 1 || sum.FeePaidShare != 0.3 {
		t.Errorf("got paid %d, not paid %d, unknown %d, share %v; want 3, 7, 1, 0.3", sum.FeesPaid, sum.FeesNotPaid, sum.FeesUnknown, sum.FeePaidShare)
	}
}

func TestJobChange(t *testing.T) {
	day := func(s string) int64 {
		d, _ := time.Parse(time.DateOnly, s)
		return d.Unix()/86400 + 1<<20
	}
	worker := func(row int, employer, name, start, end string) Record {
		r := rec(row, employer, fmt.Sprint("W", row), FeesUnknown)
		r.Employer, r.Name, r.Passport, r.BankAccount = employer, name, "P1234567", "ACC99887766"
		r.Start = day(start)
		if end != "" {
			r.End = day(end)
		}
		return r
	}
	tests := []struct {
		name string
		recs []Record
		want int // findings of each check
	}{
		{"one worker, two jobs one after the other", []Record{
			worker(2, "Acme", "Ram Thapa", "2022-01-01", "2023-12-31"), worker(3, "Beta", "Ram Thapa", "2024-01-15", "")}, 0},
		{"one name, overlapping periods", []Record{
			worker(2, "Acme", "Ram Thapa", "2022-01-01", "2024-06-30"), worker(3, "Beta", "Ram Thapa", "2024-01-15", "")}, 1},
		{"two names", []Record{
			worker(2, "Acme", "Ram Thapa", "2022-01-01", "2023-12-31"), worker(3, "Beta", "Hari Gurung", "2024-01-15", "")}, 1},
		{"first job's end not recorded", []Record{
			worker(2, "Acme", "Ram Thapa", "2022-01-01", ""), worker(3, "Beta", "Ram Thapa", "2024-01-15", "")}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{})
			for _, r := range tc.recs {
				c.Add(r)
			}
			fs := c.Findings()
			if got := len(byCheck(fs, SharedPassport.ID)); got != tc.want {
				t.Errorf("shared-passport: %d findings, want %d", got, tc.want)
			}
			if got := len(byCheck(fs, SharedBankAccount.ID)); got != tc.want {
				t.Errorf("shared-bank-account: %d findings, want %d", got, tc.want)
			}
		})
	}
}

func TestBirthDateCluster(t *testing.T) {
	c := New(Options{})
	for i := range 8 {
		r := rec(i+2, "Acme", fmt.Sprint("W", i), FeesUnknown)
		r.Birth = int64(1<<20 + 10000 + i) // all different
		if i < 5 {
			r.Birth = 1<<20 + 12000
		}
		c.Add(r)
	}
	got := byCheck(c.Findings(), BirthDateCluster.ID)
	if len(got) != 1 || got[0].Total != 5 || got[0].Severity != contract.High || !strings.Contains(got[0].Message, "5 workers") {
		t.Fatalf("got %+v", got)
	}
	c = New(Options{})
	for i := range 2 {
		r := rec(i+2, "Acme", fmt.Sprint("W", i), FeesUnknown)
		r.Birth = 1<<20 + 12000
		c.Add(r)
	}
	if got := byCheck(c.Findings(), BirthDateCluster.ID); len(got) != 0 {
		t.Errorf("two workers born the same day: %v", got[0].Message)
	}
}

func TestAgencyCluster(t *testing.T) {
	c := New(Options{})
	for i := range 10 {
		r := rec(i+2, "Acme", fmt.Sprint("W", i), FeesUnknown)
		r.Agency, r.AgencyStatus = "Quick Jobs Ltd", refdata.AgencyUnlicensed
		if i >= 3 {
			r.Agency, r.AgencyStatus = "Bright Path", refdata.AgencyLicensed
		}
		c.Add(r)
	}
	got := byCheck(c.Findings(), AgencyCluster.ID)
	if len(got) != 1 || got[0].Total != 3 || !strings.Contains(got[0].Message, "Quick Jobs Ltd, unlicensed") {
		t.Fatalf("got %+v", got)
	}
}

// TestBirthDateClusterChance: in a large supplier, shared birthdays that
// chance explains are not findings; a date written to order still is.
func TestBirthDateClusterChance(t *testing.T) {
	c := New(Options{})
	rng := rand.New(rand.NewPCG(1, 2))
	const workers, span = 12000, 40 * 365
	for i := range workers {
		r := rec(i+2, "Acme", fmt.Sprint("W", i), FeesUnknown)
		r.Birth = int64(1<<20 + 5000 + rng.IntN(span))
		c.Add(r)
	}
	planted := int64(1<<20 + 5000 + span/2)
	for i := range 12 {
		r := rec(workers+i+2, "Acme", fmt.Sprint("P", i), FeesUnknown)
		r.Birth = planted
		c.Add(r)
	}
	got := byCheck(c.Findings(), BirthDateCluster.ID)
	if len(got) != 1 || got[0].Total < 12 {
		t.Fatalf("%d birth-date clusters among %d workers born at random, want only the planted one: %+v", len(got), workers, got)
	}
}

func TestPoissonTail(t *testing.T) {
	for _, tc := range []struct {
		rate float64
		n    int
		want float64
	}{
		{1, 0, 1}, {1, 1, 1 - math.Exp(-1)}, {0.5, 3, 1 - math.Exp(-0.5)*(1+0.5+0.125)}, {0, 3, 0}, {3, 2, 1 - math.Exp(-3)*4},
	} {
		if got := poissonTail(tc.rate, tc.n); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("poissonTail(%v, %d) = %v, want %v", tc.rate, tc.n, got, tc.want)
		}
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 12400: "12,400", 1234567: "1,234,567", -2500: "-2,500"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}
