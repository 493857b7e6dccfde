package contract

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// These tables hold cells as people write them, one wording a row, with the
// value laborcheck must read or the data issue it must report. Look-alikes
// (negations, wordings of the opposite, doubt) sit beside the wordings they
// resemble.

// issue expects a data issue whose text contains the string ("" for any).
type issue string

// null expects an unknown value: not Present, no data issue.
type null struct{}

// rel expects a relative value, resolved later from the row.
type rel struct {
	x     float64
	basis Basis
}

// money expects an amount and currency.
type amt struct {
	x   float64
	cur string
}

type wcase struct {
	in   string
	want any // bool, string (enum), float64 (number), int64 (int, duration), amt, rel, null, issue
	h    Hints
}

func runWording(t *testing.T, field string, cases []wcase) {
	t.Helper()
	f := DefaultSchema().Field(field)
	if f == nil {
		t.Fatalf("no field %s", field)
	}
	for _, tc := range cases {
		t.Run(field+"/"+tc.in, func(t *testing.T) {
			v, err := f.Parse(tc.in, tc.h)
			if v.Raw != tc.in {
				t.Errorf("Raw = %q", v.Raw)
			}
			if want, ok := tc.want.(issue); ok {
				if err == nil {
					t.Fatalf("%s %q = %s, want a data issue", field, tc.in, show(f, v))
				}
				if !strings.Contains(err.Error(), string(want)) {
					t.Errorf("%s %q: issue %q, want one containing %q", field, tc.in, err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s %q: data issue %q, want %v", field, tc.in, err, tc.want)
			}
			switch want := tc.want.(type) {
			case null:
				if v.Present || v.Basis != BasisNone {
					t.Errorf("%s %q = %s, want unknown", field, tc.in, show(f, v))
				}
			case rel:
				if v.Present != (want.basis == BasisContract) || v.Basis != want.basis || math.Abs(v.Num-want.x) > 1e-3 {
					t.Errorf("%s %q = %s, want %v × basis %d", field, tc.in, show(f, v), want.x, want.basis)
				}
			default:
				if !v.Present {
					t.Fatalf("%s %q = %s, want %v", field, tc.in, show(f, v), tc.want)
				}
				var got any
				switch f.Type {
				case Bool:
					got = v.Bool
				case Enum, String:
					got = v.Str
				case Int, Duration:
					got = v.Int
				case Number:
					got = v.Num
				case Money:
					got = amt{v.Num, v.Currency}
				}
				if g, ok := got.(float64); ok {
					if w, ok := want.(float64); ok && math.Abs(g-w) < 1e-3 {
						return
					}
				}
				if g, ok := got.(amt); ok {
					if w, ok := want.(amt); ok && math.Abs(g.x-w.x) < 1e-6 && g.cur == w.cur {
						return
					}
				}
				if got != tc.want {
					t.Errorf("%s %q = %#v, want %#v", field, tc.in, got, tc.want)
				}
			}
		})
	}
}

func show(f *Field, v Value) string {
	if v.Present {
		return v.Display(f.Type)
	}
	if v.Basis != BasisNone {
		return fmt.Sprintf("%v × basis %d", v.Num, v.Basis)
	}
	return "unknown"
}

var anyIssue = issue("")

func TestWordingCustody(t *testing.T) {
	cases := []wcase{
		{"Sub-agent, Kathmandu", "agent", Hints{}},
		{"HR dept. (safe custody)", "employer", Hints{}},
		{"Locked in office", "employer", Hints{}},
		{"Worker holds own", "worker", Hints{}},
		{"Kept by worker", "worker", Hints{}},
		{"In worker's possession", "worker", Hints{}},
		{"Returned to worker", "worker", Hints{}},
		{"Held by company for safekeeping", "employer", Hints{}},
		{"Agency (Dhaka)", "agent", Hints{}},
		{"Supervisor's locker", "supervisor", Hints{}},
		{"Company safe", "employer", Hints{}},
		{"HR", "employer", Hints{}},
		{"H.R. Department", "employer", Hints{}},
		{"Human Resources", "employer", Hints{}},
		{"Admin office", "employer", Hints{}},
		{"Factory management", "employer", Hints{}},
		{"Employer (for safekeeping)", "employer", Hints{}},
		{"kept in the company safe", "employer", Hints{}},
		{"Estate office", "employer", Hints{}},
		{"Security office, main gate", "employer", Hints{}},
		{"With the boss", "employer", Hints{}},
		{"Self", "worker", Hints{}},
		{"Self-kept", "worker", Hints{}},
		{"With employee", "worker", Hints{}},
		{"Employee keeps it", "worker", Hints{}},
		{"Own custody", "worker", Hints{}},
		{"Personally held", "worker", Hints{}},
		{"Workers", "worker", Hints{}},
		{"Agent", "agent", Hints{}},
		{"Agents", "agent", Hints{}},
		{"Broker in Jakarta", "agent", Hints{}},
		{"Labour contractor", "agent", Hints{}},
		{"Manpower agency (Nepal)", "agent", Hints{}},
		{"Middleman", "agent", Hints{}},
		{"Dalal", "agent", Hints{}},
		{"Recruitment agency", "recruiter", Hints{}},
		{"Recruitment agency, Kathmandu", "recruiter", Hints{}},
		{"Recruiter (origin country)", "recruiter", Hints{}},
		{"Placement agency", "recruiter", Hints{}},
		{"Team leader", "supervisor", Hints{}},
		{"Foreman", "supervisor", Hints{}},
		{"Line leader (Block B)", "supervisor", Hints{}},
		{"Mandor", "supervisor", Hints{}},
		{"Captain", "supervisor", Hints{}},
		{"Supervisor", "supervisor", Hints{}},
		{"Empleador", "employer", Hints{}},
		{"Trabajador", "worker", Hints{}},
		{"HR/Admin", "employer", Hints{}},
		{"Kept by HR for safe keeping", "employer", Hints{}},
		{"Company (HR)", "employer", Hints{}},
		{"In the employer's safe", "employer", Hints{}},
		{"Employer holds", "employer", Hints{}},
		{"Held by agent in Nepal", "agent", Hints{}},
		{"With recruiter", "recruiter", Hints{}},
		{"Worker (own custody)", "worker", Hints{}},
		{"worker keeps passport", "worker", Hints{}},
		{"Given back to worker", "worker", Hints{}},
		{"Retained by company", "employer", Hints{}},
		{"Confiscated by supervisor", "supervisor", Hints{}},
		{"Management office", "employer", Hints{}},
		{"Locked in HR cabinet", "employer", Hints{}},
		{"Employee's own", "worker", Hints{}},
		{"kept by the worker himself", "worker", Hints{}},
		{"Worker (returned after visa)", "worker", Hints{}},
		{"Outsourcing agent", "agent", Hints{}},
		{"Kept by worker's supervisor", "supervisor", Hints{}},
		{"Employer's agent", "agent", Hints{}},
		{"Passport surrendered to HR", "employer", Hints{}},
		{"Recruitment agent", "recruiter", Hints{}},
		{"Employer (returned on request)", "employer", Hints{}},
		{"Line manager", "supervisor", Hints{}},
		{"Employer, with worker's consent", "employer", Hints{}},
		{"Held by employer at worker's request", "employer", Hints{}},
		{"Kept by HR on behalf of the worker", "employer", Hints{}},
		{"Held by company for the worker", "employer", Hints{}},
		{"Custody of employer", "employer", Hints{}},
		{"Worker agreed", anyIssue, Hints{}},
		{"Kept for the worker", anyIssue, Hints{}},
		{"Not held", anyIssue, Hints{}},
		{"None", anyIssue, Hints{}},
		// Negations and look-alikes are data issues, never the opposite.
		{"Not held by employer", anyIssue, Hints{}},
		{"Not with worker", anyIssue, Hints{}},
		{"No longer with agent", anyIssue, Hints{}},
		{"Never given to worker", anyIssue, Hints{}},
		{"Without worker's consent, employer", anyIssue, Hints{}},
		{"Employer/agent", issue("ambiguous: could be employer or agent"), Hints{}},
		{"Agent or employer", issue("ambiguous"), Hints{}},
		{"Employer, copy with worker", issue("ambiguous"), Hints{}},
		{"Returned to agent by employer", issue("ambiguous"), Hints{}},
		{"Police", issue("not one of"), Hints{}},
		{"Lost", issue("not one of"), Hints{}},
		{"Embassy", issue("not one of"), Hints{}},
		{"42", issue("not one of"), Hints{}},
		{"Unknown", null{}, Hints{}},
		{"Not known", null{}, Hints{}},
		{"N/A", null{}, Hints{}},
		{"Not given", null{}, Hints{}},
		// A yes/no column ("Does the company keep the passport?").
		{"Yes", "employer", Hints{Yes: "employer", No: "worker"}},
		{"No", "worker", Hints{Yes: "employer", No: "worker"}},
		{"Y", "employer", Hints{Yes: "employer"}},
		{"No", null{}, Hints{Yes: "employer"}},
		{"Agent", "agent", Hints{Yes: "employer", No: "worker"}},
		{"Yes?", anyIssue, Hints{Yes: "employer", No: "worker"}},
		{"Yes", issue("not one of"), Hints{Yes: "company"}},
	}
	runWording(t, "passport_held_by", cases)
	runWording(t, "work_permit_held_by", cases[:20])
	runWording(t, "wage_paid_to", []wcase{
		{"Worker's bank account", "worker", Hints{}},
		{"Direct to worker", "worker", Hints{}},
		{"Bank transfer", "worker", Hints{}},
		{"Agent", "agent", Hints{}},
		{"Sub-agent (Dhaka)", "agent", Hints{}},
		{"Foreman", "supervisor", Hints{}},
		{"Family in Nepal", "family", Hints{}},
		{"Wife", "family", Hints{}},
		{"Not to worker", anyIssue, Hints{}},
		{"Agent/worker", issue("ambiguous"), Hints{}},
	})
}

func TestWordingHousing(t *testing.T) {
	runWording(t, "employer_provided_housing", []wcase{
		{"Site barracks", true, Hints{}},
		{"Company-provided hostel", true, Hints{}},
		{"Dormitory (factory)", true, Hints{}},
		{"Employer quarters", true, Hints{}},
		{"Labour camp", true, Hints{}},
		{"Labor camp, Block C", true, Hints{}},
		{"Dorm", true, Hints{}},
		{"Hostel", true, Hints{}},
		{"Staff quarters", true, Hints{}},
		{"Provided by employer", true, Hints{}},
		{"Accommodation provided", true, Hints{}},
		{"On-site housing", true, Hints{}},
		{"Containers on site", true, Hints{}},
		{"Company flat (shared)", true, Hints{}},
		{"Yes - company dormitory", true, Hints{}},
		{"Free accommodation", true, Hints{}},
		{"Company dorm (8 per room)", true, Hints{}},
		{"Provided", true, Hints{}},
		{"Employer-provided", true, Hints{}},
		{"Hostel provided by employer", true, Hints{}},
		{"In factory compound", true, Hints{}},
		{"Rents a room outside", false, Hints{}},
		{"Lives with relatives in town", false, Hints{}},
		{"Own", false, Hints{}},
		{"Private hostel", false, Hints{}},
		{"Company", true, Hints{}},
		{"Renting outside", false, Hints{}},
		{"Private rented room", false, Hints{}},
		{"Shared house, self-paid", anyIssue, Hints{}},
		{"Rented privately", false, Hints{}},
		{"Stays with relatives", false, Hints{}},
		{"Own house", false, Hints{}},
		{"Lives out", false, Hints{}},
		{"Private accommodation", false, Hints{}},
		{"Lives with family", false, Hints{}},
		{"Self-arranged", false, Hints{}},
		{"Own arrangement", false, Hints{}},
		{"Off-site, private rental", false, Hints{}},
		{"Commutes from home", false, Hints{}},
		{"Housing allowance", false, Hints{}},
		{"No - lives out", false, Hints{}},
		{"Not provided", false, Hints{}},
		{"No housing", false, Hints{}},
		{"None", false, Hints{}},
		{"No dormitory", false, Hints{}},
		{"Not in dormitory", false, Hints{}},
		{"Yes", true, Hints{}},
		{"N", false, Hints{}},
		// Look-alikes.
		{"Dormitory or private", issue("ambiguous"), Hints{}},
		{"Yes, lives out", issue("ambiguous"), Hints{}},
		{"Hostel, maybe", issue("ambiguous"), Hints{}},
		{"Never in a hostel nor camp", false, Hints{}},
		{"Sometimes", anyIssue, Hints{}},
		{"Unknown", null{}, Hints{}},
	})
}

func TestWordingYesNo(t *testing.T) {
	runWording(t, "has_written_contract", []wcase{
		{"Only verbal", false, Hints{}},
		{"No written agreement", false, Hints{}},
		{"Not given", false, Hints{}},
		{"Verbal only", false, Hints{}},
		{"Verbal agreement", false, Hints{}},
		{"Oral", false, Hints{}},
		{"Unsigned", false, Hints{}},
		{"Not signed", false, Hints{}},
		{"Never signed", false, Hints{}},
		{"Handshake", false, Hints{}},
		{"No contract", false, Hints{}},
		{"Not in writing", false, Hints{}},
		{"Promised verbally by agent", false, Hints{}},
		{"Signed copy given", true, Hints{}},
		{"Signed", true, Hints{}},
		{"Written", true, Hints{}},
		{"Written (English)", true, Hints{}},
		{"Yes, signed", true, Hints{}},
		{"In writing", true, Hints{}},
		{"Contract signed 2024", true, Hints{}},
		{"Copy received", true, Hints{}},
		{"Contract given in Nepali", true, Hints{}},
		{"Contract in Nepali", true, Hints{}},
		{"Contract (verbal)", issue("ambiguous"), Hints{}},
		{"Y - signed", true, Hints{}},
		{"Copy not given", false, Hints{}},
		{"Verbal promise only", false, Hints{}},
		{"Only oral agreement", false, Hints{}},
		{"No, verbal", false, Hints{}},
		{"Signed but no copy", issue("ambiguous"), Hints{}},
		{"Pending", anyIssue, Hints{}},
		{"Yes", true, Hints{}},
		{"No", false, Hints{}},
		{"Sí", true, Hints{}},
		{"是", true, Hints{}},
		{"没有", false, Hints{}},
		// Look-alikes.
		{"Signed, not given", issue("ambiguous"), Hints{}},
		{"Verbal, later written", issue("ambiguous"), Hints{}},
		{"Not only verbal", true, Hints{}},
		{"Yes, verbal", issue("ambiguous"), Hints{}},
		{"Signed?", issue("ambiguous"), Hints{}},
		{"Signed, not sure", issue("ambiguous"), Hints{}},
		{"Unknown", null{}, Hints{}},
		{"N/A", null{}, Hints{}},
	})
	runWording(t, "overtime_voluntary", []wcase{
		{"Obligatory", false, Hints{}},
		{"Compulsory", false, Hints{}},
		{"Mandatory", false, Hints{}},
		{"Required", false, Hints{}},
		{"Forced", false, Hints{}},
		{"No choice", false, Hints{}},
		{"Cannot refuse", false, Hints{}},
		{"Compulsory when required", false, Hints{}},
		{"Not voluntary", false, Hints{}},
		{"Non-voluntary", false, Hints{}},
		{"No, compulsory", false, Hints{}},
		{"Compulsory (management)", false, Hints{}},
		{"Required when orders are high", false, Hints{}},
		{"Involuntary", false, Hints{}},
		{"Must work OT", false, Hints{}},
		{"OT is compulsory", false, Hints{}},
		{"Not optional", false, Hints{}},
		{"Voluntary, paid 1.5x", true, Hints{}},
		{"Voluntary basis", true, Hints{}},
		{"Optional", true, Hints{}},
		{"By choice", true, Hints{}},
		{"Voluntary", true, Hints{}},
		{"Worker's choice", true, Hints{}},
		{"Not compulsory", true, Hints{}},
		{"Not mandatory", true, Hints{}},
		{"No obligation", true, Hints{}},
		{"Can refuse", true, Hints{}},
		{"Yes (voluntary)", true, Hints{}},
		{"No compulsory overtime", true, Hints{}},
		// Look-alikes.
		{"Voluntary but expected", issue("ambiguous"), Hints{}},
		{"Yes, compulsory", issue("ambiguous"), Hints{}},
		{"Optional, maybe", issue("ambiguous"), Hints{}},
		{"Sometimes", anyIssue, Hints{}},
		// A column asking the opposite question ("Is overtime compulsory?"):
		// plain answers turn round, wordings keep their meaning.
		{"Yes", false, Hints{Invert: true}},
		{"No", true, Hints{Invert: true}},
		{"Compulsory", false, Hints{Invert: true}},
		{"Voluntary", true, Hints{Invert: true}},
		{"Yes, compulsory", false, Hints{Invert: true}},
		{"✓", false, Hints{Invert: true}},
	})
	runWording(t, "free_to_leave_housing", []wcase{
		{"With supervisor's permission", false, Hints{}},
		{"Only with permission", false, Hints{}},
		{"Gate pass needed", false, Hints{}},
		{"Not allowed", false, Hints{}},
		{"Escorted only", false, Hints{}},
		{"Restricted", false, Hints{}},
		{"Must sign out", false, Hints{}},
		{"Sundays only", false, Hints{}},
		{"Allowed out on Sundays only", false, Hints{}},
		{"Need supervisor approval", false, Hints{}},
		{"Permission required", false, Hints{}},
		{"Leave pass from HR", false, Hints{}},
		{"Free to leave", true, Hints{}},
		{"Only on day off", false, Hints{}},
		{"Yes, anytime", true, Hints{}},
		{"Free", true, Hints{}},
		{"Anytime", true, Hints{}},
		{"Unrestricted", true, Hints{}},
		{"No restrictions", true, Hints{}},
		{"Free to come and go", true, Hints{}},
		{"Not restricted", true, Hints{}},
		{"No gate pass needed", true, Hints{}},
		{"Yes", true, Hints{}},
		{"No", false, Hints{}},
		// Look-alikes.
		{"Free, with permission", issue("ambiguous"), Hints{}},
		{"Yes, gate pass needed", issue("ambiguous"), Hints{}},
		{"Cannot leave without permission", false, Hints{}},
	})
	runWording(t, "employer_consent_required_to_change_job", []wcase{
		{"Release letter required", true, Hints{}},
		{"NOC needed", true, Hints{}},
		{"NOC", true, Hints{}},
		{"No objection certificate required", true, Hints{}},
		{"Required", true, Hints{}},
		{"Employer's permission", true, Hints{}},
		{"Tied to employer", true, Hints{}},
		{"Cannot change", true, Hints{}},
		{"Yes, release letter", true, Hints{}},
		{"Need employer approval", true, Hints{}},
		{"Can't change without employer consent", true, Hints{}},
		{"Can change without employer consent", false, Hints{}},
		{"No restriction", false, Hints{}},
		{"No need", false, Hints{}},
		{"Not required", false, Hints{}},
		{"Free to change", false, Hints{}},
		{"Not needed", false, Hints{}},
		{"No NOC required", false, Hints{}},
		{"Yes", true, Hints{}},
		{"No", false, Hints{}},
		{"Required, not enforced", issue("ambiguous"), Hints{}},
		{"Free to change, NOC needed", issue("ambiguous"), Hints{}},
	})
	runWording(t, "housing_curfew", []wcase{
		{"22:00", true, Hints{}},
		{"No curfew", false, Hints{}},
		{"Gate closes 10pm", true, Hints{}},
		{"Gate closes at 22:00", true, Hints{}},
		{"Curfew 10 pm", true, Hints{}},
		{"Lights out 21:30", true, Hints{}},
		{"Must return by 9pm", true, Hints{}},
		{"10 pm", true, Hints{}},
		{"Gates locked at 11pm", true, Hints{}},
		{"Curfew: 22:00", true, Hints{}},
		{"No fixed curfew", false, Hints{}},
		{"None", false, Hints{}},
		{"Open 24 hours", false, Hints{}},
		{"No restrictions", false, Hints{}},
		{"Yes", true, Hints{}},
		{"No", false, Hints{}},
		{"Curfew, not enforced", issue("ambiguous"), Hints{}},
	})
	runWording(t, "is_migrant", []wcase{
		{"Overseas worker", true, Hints{}},
		{"Foreign national", true, Hints{}},
		{"Foreign", true, Hints{}},
		{"Expatriate", true, Hints{}},
		{"Migrant", true, Hints{}},
		{"Contract worker from abroad", true, Hints{}},
		{"Foreigner (Nepal)", true, Hints{}},
		{"Migrant worker", true, Hints{}},
		{"OFW", true, Hints{}},
		{"Non-citizen", true, Hints{}},
		{"Guest worker", true, Hints{}},
		{"Foreign (Nepal)", true, Hints{}},
		{"Migrant (Myanmar)", true, Hints{}},
		{"Local citizen", false, Hints{}},
		{"Malaysian", anyIssue, Hints{}},
		{"Domestic", false, Hints{}},
		{"National", false, Hints{}},
		{"Local", false, Hints{}},
		{"Citizen", false, Hints{}},
		{"Local hire", false, Hints{}},
		{"Non-migrant", false, Hints{}},
		{"Not a migrant", false, Hints{}},
		{"Locals", false, Hints{}},
		{"Local/Foreign", issue("ambiguous"), Hints{}},
		{"Foreign, local hire", issue("ambiguous"), Hints{}},
		{"Not foreign", false, Hints{}},
	})
	// Plain answers in other languages, for every yes/no field.
	f := testField(Bool)
	for in, want := range map[string]bool{
		"sí": true, "Si": true, "no": false, "oui": true, "non": false, "sim": true, "não": false, "nao": false,
		"ya": true, "iya": true, "tidak": false, "是": true, "否": false, "有": true, "无": false, "沒有": false,
		"没有": false, "ja": true, "nein": false, "có": true, "không": false, "はい": true, "いいえ": false,
		"да": true, "нет": false, "haan": true, "nahi": false, "oo": true, "hindi": false,
		"是的": true, "ndiyo": true, "hapana": false, "nee": false, "chaina": false,
	} {
		v, err := f.Parse(in, Hints{})
		if err != nil || !v.Present || v.Bool != want {
			t.Errorf("bool %q = %+v, %v; want %v", in, v, err, want)
		}
	}
	for _, in := range []string{"sí/no", "oui ou non", "是否", "有/无", "maybe", "peut-être"} {
		if v, err := f.Parse(in, Hints{}); err == nil {
			t.Errorf("bool %q = %+v, want a data issue", in, v)
		}
	}
}

func TestWordingPayPeriod(t *testing.T) {
	deferred := rel{1, BasisContract} // Present at 92 days until Deriver knows the contract's length
	runWording(t, "wage_payment_interval_days", []wcase{
		{"Twice monthly", int64(15), Hints{}},
		{"Twice a month", int64(15), Hints{}},
		{"Semi-monthly", int64(15), Hints{}},
		{"15th and 30th", int64(15), Hints{}},
		{"Every 10 days", int64(10), Hints{}},
		{"Every ten days", int64(10), Hints{}},
		{"Three times a month", int64(10), Hints{}},
		{"Every two weeks", int64(14), Hints{}},
		{"Every 2 weeks", int64(14), Hints{}},
		{"Fortnightly", int64(14), Hints{}},
		{"Bi-weekly", int64(14), Hints{}},
		{"Daily", int64(1), Hints{}},
		{"Weekly", int64(7), Hints{}},
		{"Every week", int64(7), Hints{}},
		{"Monthly", int64(30), Hints{}},
		{"Once a month", int64(30), Hints{}},
		{"Monthly (end of month)", int64(30), Hints{}},
		{"Quarterly", int64(90), Hints{}},
		{"30 days", int64(30), Hints{}},
		{"Paid twice a month", int64(15), Hints{}},
		{"Every two weeks (Friday)", int64(14), Hints{}},
		{"Paid weekly", int64(7), Hints{}},
		{"Monthly, 7th", int64(30), Hints{}},
		{"Every 15 days", int64(15), Hints{}},
		{"Daily cash", int64(1), Hints{}},
		{"Weekly (Saturday)", int64(7), Hints{}},
		{"At end of each month", int64(30), Hints{}},
		{"Salary deferred until contract end", deferred, Hints{}},
		{"Paid at end of season", deferred, Hints{}},
		{"After the contract ends", deferred, Hints{}},
		{"Not monthly", anyIssue, Hints{}},
		{"Monthly or weekly", anyIssue, Hints{}},
		{"Monthly, 2 months late", anyIssue, Hints{}},
		{"On completion of contract", deferred, Hints{}},
		{"End of contract", deferred, Hints{}},
		{"After harvest", deferred, Hints{}},
		{"End of season", deferred, Hints{}},
		{"Lump sum at end", deferred, Hints{}},
		{"Upon completion", deferred, Hints{}},
		{"At the end of the contract", deferred, Hints{}},
		{"Paid at end of contract (lump sum)", deferred, Hints{}},
		{"On return home", deferred, Hints{}},
		// Look-alikes.
		{"Monthly (balance at end of contract)", issue("no fixed interval"), Hints{}},
		{"Not at end of contract", anyIssue, Hints{}},
		{"Bi-monthly", issue("ambiguous"), Hints{}},
		{"1-2 months", issue("range"), Hints{}},
		{"Irregular", issue("no fixed interval"), Hints{}},
		{"When the boss decides", anyIssue, Hints{}},
	})
	// Other duration fields keep pay at the end of the contract a data issue.
	runWording(t, "notice_period_days_worker", []wcase{
		{"End of contract", issue("no fixed interval"), Hints{}},
		{"None", int64(0), Hints{}},
		{"Immediate", int64(0), Hints{}},
		{"Not required", int64(0), Hints{}},
		{"1 month", int64(30), Hints{}},
		{"2 weeks", int64(14), Hints{}},
	})
}

func TestWordingRestDays(t *testing.T) {
	runWording(t, "rest_days_per_week", []wcase{
		{"Every other Sunday", 0.5, Hints{}},
		{"Two days a month", 2 * 12.0 / 52, Hints{}},
		{"2 days per month", 2 * 12.0 / 52, Hints{}},
		{"4 days/month", 4 * 12.0 / 52, Hints{}},
		{"Saturday and Sunday", 2.0, Hints{}},
		{"Sat & Sun", 2.0, Hints{}},
		{"Sundays off", 1.0, Hints{}},
		{"Sunday", 1.0, Hints{}},
		{"Friday", 1.0, Hints{}},
		{"Friday (weekly)", 1.0, Hints{}},
		{"One day per fortnight", 0.5, Hints{}},
		{"1 day every 2 weeks", 0.5, Hints{}},
		{"Alternate Sundays", 0.5, Hints{}},
		{"Two Sundays a month", 2 * 12.0 / 52, Hints{}},
		{"Half day Saturday", 0.5, Hints{}},
		{"Weekends", 2.0, Hints{}},
		{"None", 0.0, Hints{}},
		{"No rest day", 0.0, Hints{}},
		{"No day off", 0.0, Hints{}},
		{"7 days a week", 0.0, Hints{}},
		{"1", 1.0, Hints{}},
		{"1 day per week", 1.0, Hints{}},
		{"One", 1.0, Hints{}},
		{"1 day off a week", 1.0, Hints{}},
		{"Sunday off", 1.0, Hints{}},
		{"Every second Sunday", 0.5, Hints{}},
		{"2 rest days per month", 2 * 12.0 / 52, Hints{}},
		{"Sun", 1.0, Hints{}},
		{"Day off on Friday", 1.0, Hints{}},
		{"Every Sunday", 1.0, Hints{}},
		{"No fixed day off", anyIssue, Hints{}},
		{"One Sunday a month", 12.0 / 52, Hints{}},
		{"Twice a month", 2 * 12.0 / 52, Hints{}},
		// Look-alikes.
		{"Sunday (if no orders)", anyIssue, Hints{}},
		{"Not on Sundays", anyIssue, Hints{}},
		{"Some Sundays", anyIssue, Hints{}},
		{"10 days a week", anyIssue, Hints{}},
		{"Two weeks", anyIssue, Hints{}},
		{"4 per month", anyIssue, Hints{}},
		{"Unknown", null{}, Hints{}},
	})
}

func TestWordingMoney(t *testing.T) {
	wage := BasisMonthlyWage
	runWording(t, "deposit_amount", []wcase{
		{"Half month's wage", rel{0.5, wage}, Hints{}},
		{"Half a month's wage", rel{0.5, wage}, Hints{}},
		{"Two weeks' pay", rel{2 * 12.0 / 52, wage}, Hints{}},
		{"One month's salary", rel{1, wage}, Hints{}},
		{"1 month salary", rel{1, wage}, Hints{}},
		{"2 months' basic", rel{2, wage}, Hints{}},
		{"1 month", rel{1, wage}, Hints{}},
		{"10 days' wages", rel{10 * 12.0 / 365, wage}, Hints{}},
		{"5% of salary until end of contract", rel{0.05, wage}, Hints{}},
		{"10 percent of monthly wage", rel{0.1, wage}, Hints{}},
		{"Half of monthly salary", rel{0.5, wage}, Hints{}},
		{"NPR 1.2 lakh", amt{120000, "NPR"}, Hints{}},
		{"1.2 lakh NPR", amt{120000, "NPR"}, Hints{}},
		{"2.5 lakhs", amt{250000, ""}, Hints{}},
		{"Rs 2.5 lakhs", amt{250000, "NPR"}, Hints{Currency: "NPR"}},
		{"1 crore", amt{10000000, ""}, Hints{}},
		{"RM 1.5k", amt{1500, "MYR"}, Hints{}},
		{"1.5K", amt{1500, ""}, Hints{}},
		{"Rp 2 juta", amt{2000000, "IDR"}, Hints{}},
		{"2 juta rupiah", amt{2000000, "IDR"}, Hints{}},
		{"Rp 500 ribu", amt{500000, "IDR"}, Hints{}},
		{"15 mil", amt{15000000, ""}, Hints{}},
		{"MXN 15 mil", amt{15000, "MXN"}, Hints{}},
		{"1.5万", amt{15000, ""}, Hints{}},
		{"3千元", amt{3000, "CNY"}, Hints{}},
		{"USD 300 (returnable)", amt{300, "USD"}, Hints{}},
		{"USD 300, refundable on completion", amt{300, "USD"}, Hints{}},
		{"$500 (deducted from first salary)", amt{500, "USD"}, Hints{}},
		{"Nil - borne by employer", amt{0, ""}, Hints{}},
		{"Paid by employer", amt{0, ""}, Hints{}},
		{"Free of charge", amt{0, ""}, Hints{}},
		{"Waived by agency", amt{0, ""}, Hints{}},
		{"None (employer pays)", amt{0, ""}, Hints{}},
		{"At company's expense", amt{0, ""}, Hints{}},
		{"No deposit", amt{0, ""}, Hints{}},
		{"One month's wages", rel{1, wage}, Hints{}},
		{"3 months salary", rel{3, wage}, Hints{}},
		{"1 month wage", rel{1, wage}, Hints{}},
		{"USD 200 (refundable)", amt{200, "USD"}, Hints{}},
		{"Rs 1 lakh", amt{100000, ""}, Hints{}},
		{"NPR 80,000 (loan)", amt{80000, "NPR"}, Hints{}},
		{"Rp 1,5 juta", amt{1500000, "IDR"}, Hints{}},
		{"NPR 1,20,000", amt{120000, "NPR"}, Hints{}},
		{"Zero cost", amt{0, ""}, Hints{}},
		{"Employer pays all", amt{0, ""}, Hints{}},
		{"Nil (employer pays)", amt{0, ""}, Hints{}},
		{"USD 1,500 (paid in instalments)", amt{1500, "USD"}, Hints{}},
		{"PHP 50k", amt{50000, "PHP"}, Hints{}},
		{"Rs 5,000/- only", amt{5000, "NPR"}, Hints{Currency: "NPR"}},
		{"USD 300 only", amt{300, "USD"}, Hints{}},
		{"Rupees five thousand only", amt{5000, "INR"}, Hints{Currency: "INR"}},
		{"0 (paid by employer)", amt{0, ""}, Hints{}},
		{"$0 - borne by company", amt{0, "USD"}, Hints{}},
		{"Tk 4 lac", amt{400000, "BDT"}, Hints{}},
		{"MYR 500, returned at end", anyIssue, Hints{}},
		{"Ten thousand pesos", amt{10000, "PHP"}, Hints{Currency: "PHP"}},
		{"Ten thousand pesos", amt{10000, ""}, Hints{}},
		{"Five lakh rupees", amt{500000, "NPR"}, Hints{Currency: "NPR"}},
		{"Two hundred dollars", amt{200, "USD"}, Hints{}},
		{"One thousand five hundred ringgit", amt{1500, "MYR"}, Hints{}},
		{"Twenty-five thousand", amt{25000, ""}, Hints{}},
		{"Thousands", anyIssue, Hints{}},
		{"A", anyIssue, Hints{}},
		{"Five", anyIssue, Hints{}},
		{"A few hundred dollars", anyIssue, Hints{}},
		{"30 months' salary", anyIssue, Hints{}},
		// Look-alikes.
		{"USD 300 (refunded)", issue("paid back"), Hints{}},
		{"USD 300 (paid by employer)", issue("paid back"), Hints{}},
		{"USD 300 (not paid)", issue("paid back"), Hints{}},
		{"USD 300 (approx.)", issue("estimate"), Hints{}},
		{"Not paid by employer", anyIssue, Hints{}},
		{"Free (deducted later)", anyIssue, Hints{}},
		{"15 a day", anyIssue, Hints{}},
		{"1500 a month", anyIssue, Hints{}},
		{"500 per month", anyIssue, Hints{}},
		{"5%", issue("percentage"), Hints{}},
		{"Half", anyIssue, Hints{}},
		{"Paid by worker", anyIssue, Hints{}},
		// Columns of shares and columns in another unit.
		{"25%", rel{0.25, wage}, Hints{Share: true}},
		{"25", rel{0.25, wage}, Hints{Share: true}},
		{"0.25", rel{0.25, wage}, Hints{Share: true}},
		{"125%", issue("over 100%"), Hints{Share: true}},
		{"350", amt{350 * 52.0 / 12, "MYR"}, Hints{Scale: 52.0 / 12, Currency: "MYR"}},
		{"2", rel{2, wage}, Hints{Basis: BasisMonthlyWage}},
	})
}

func TestWordingNumbersAndHints(t *testing.T) {
	runWording(t, "weekly_hours_total", []wcase{
		{"10h x 6d", 60.0, Hints{}},
		{"8 hrs × 6 days", 48.0, Hints{}},
		{"12 hours/day, 7 days", 84.0, Hints{}},
		{"6 days x 10 hours", 60.0, Hints{}},
		{"9.5 hrs x 6", 57.0, Hints{}},
		{"8h/day x 6 days", 48.0, Hints{}},
		{"8 hours, 6 days a week", 48.0, Hints{}},
		{"10 hours x 6 days/week", 60.0, Hints{}},
		{"10h x 6d x 2", anyIssue, Hints{}},
		{"60", 60.0, Hints{}},
		{"10 hrs/day", issue("per day"), Hints{}},
		{"10 x 6", anyIssue, Hints{}},
		{"10h x 9d", anyIssue, Hints{}},
		{"30h x 6d", anyIssue, Hints{}},
		// A column of hours per day: the cell is resolved from the row.
		{"10", rel{10, BasisWorkdays}, Hints{Basis: BasisWorkdays}},
		{"10 hrs/day", rel{10, BasisWorkdays}, Hints{Basis: BasisWorkdays}},
		{"10h x 6d", 60.0, Hints{Basis: BasisWorkdays}},
		// A column of hours per month.
		{"208", 48.0, Hints{Scale: 12.0 / 52}},
	})
	runWording(t, "overtime_hours_per_week", []wcase{
		{"2h x 6d", 12.0, Hints{}},
		{"None", 0.0, Hints{}},
		{"No OT", 0.0, Hints{}},
	})
	runWording(t, "deductions_share_of_wage", []wcase{
		{"25%", 0.25, Hints{Share: true}},
		{"25", 0.25, Hints{Share: true}},
		{"0.25", 0.25, Hints{Share: true}},
		{"0.5%", 0.005, Hints{Share: true}},
		{"150", issue("over 100%"), Hints{Share: true}},
		{"-5", issue("negative"), Hints{Share: true}},
	})
	runWording(t, "age", []wcase{
		{"17", int64(17), Hints{}},
		{"204", int64(17), Hints{Scale: 1.0 / 12}},
		{"17.5", issue("whole"), Hints{}},
	})
	runWording(t, "night_work", []wcase{
		{"Yes", false, Hints{Invert: true}},
		{"22:00-06:00", true, Hints{}},
		{"Night shift", true, Hints{}},
		{"Rotating shifts", true, Hints{}},
		{"Day shift only", false, Hints{}},
		{"No night shift", false, Hints{}},
		{"Day shift, sometimes nights", issue("ambiguous"), Hints{}},
	})
}

// TestWordingEmployerPaid: in a column of costs the worker paid, a cell
// naming the employer as payer is zero; in another money column it is not
// read.
func TestWordingEmployerPaid(t *testing.T) {
	s := DefaultSchema()
	for _, name := range []string{"travel_cost_paid_by_worker", "visa_cost_paid_by_worker", "recruitment_fee_paid_by_worker"} {
		for _, cell := range []string{"Company", "Employer", "By company", "Sponsor", "Majikan", "公司"} {
			v, err := s.Field(name).Parse(cell, Hints{})
			if err != nil || !v.Present || v.Num != 0 {
				t.Errorf("%s %q = %+v, %v; want 0", name, cell, v, err)
			}
		}
	}
	if v, err := s.Field("deposit_amount").Parse("Company", Hints{}); err == nil && v.Present {
		t.Errorf("deposit_amount %q = %+v; want it unread", "Company", v)
	}
}
