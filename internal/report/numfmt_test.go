package report

import "testing"

func TestNumberFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{thousands(0), "0"},
		{thousands(999), "999"},
		{thousands(1000), "1,000"},
		{thousands(200000), "200,000"},
		{thousands(-1234567), "-1,234,567"},
		{decimal(25250), "25,250"},
		{decimal(2.184200946), "2.18"},
		{decimal(1234567.5), "1,234,567.5"},
		{decimal(-0.001), "0"},
		{score(1234.56), "1,234.6"},
		{score(0), "0.0"},
		{percent(0.714), "71.4%"},
		{displayValue("base_wage_monthly", Evidence{Value: 25250.0, Currency: "TWD"}), "TWD 25,250"},
		{displayValue("wage_to_minimum_ratio", Evidence{Value: 0.9191845649799781}), "91.9%"},
		{displayValue("deductions_share_of_wage", Evidence{Value: 0.3089}), "30.9%"},
		{displayValue("recruitment_fee_months_of_wage", Evidence{Value: 2.184200946487077}), "2.18"},
		{displayValue("notice_period_days_worker", Evidence{Value: int64(1800)}), "1,800"},
		{displayValue("is_migrant", Evidence{Value: true}), "yes"},
		{displayValue("passport_held_by", Evidence{Value: "employer"}), "employer"},
		{displayValue("x", Evidence{}), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
