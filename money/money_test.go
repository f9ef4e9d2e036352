package money_test

import (
	"errors"
	"testing"
	"time"

	"github.com/crewportal/crewportal/money"
)

func TestExponent(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{"EUR": 2, "AUD": 2, "JPY": 0, "KWD": 3, "CHF": 2} {
		if got, err := money.Exponent(code); err != nil || got != want {
			t.Errorf("Exponent(%s) = %d, %v; want %d", code, got, err, want)
		}
	}
	for _, bad := range []string{"", "eur", "EURO", "XYZ", "E1R"} {
		if _, err := money.Exponent(bad); err == nil {
			t.Errorf("Exponent(%q) accepted", bad)
		}
	}
}

func TestFromMajorRoundsHalfEvenAtTheCurrencysDigits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		major float64
		code  string
		want  int64
	}{
		{38.5, "AUD", 3850},
		{38.35, "AUD", 3835}, // the float is 38.3499…: read as the decimal people typed
		{0.005, "EUR", 0},    // a tie rounds to the even cent
		{0.015, "EUR", 2},
		{0.025, "EUR", 2},
		{1.005, "EUR", 100},
		{-0.015, "EUR", -2},
		{1234.5, "JPY", 1234},
		{1235.5, "JPY", 1236},
		{1.0005, "KWD", 1000},
		{9_999_999_999_999.99, "EUR", 999_999_999_999_999},
	}
	for _, c := range cases {
		if got, err := money.FromMajor(c.major, c.code); err != nil || got != c.want {
			t.Errorf("FromMajor(%v, %s) = %d, %v; want %d", c.major, c.code, got, err, c.want)
		}
	}
	if _, err := money.FromMajor(1e16, "EUR"); !errors.Is(err, money.ErrTooLarge) {
		t.Errorf("a too large amount: %v", err)
	}
}

func TestLineTotalsRoundEachLineOnceHalfEven(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		line money.Line
		want money.LineTotals
	}{
		{"whole", money.Line{QuantityMilli: 3_000, UnitPrice: 3_800, TaxRateBP: 1_000}, money.LineTotals{11_400, 1_140, 12_540}},
		// 0.5 × 1 cent = 0.5 cent: a tie, rounds to 0 (even); 1.5 → 2.
		{"net tie down", money.Line{QuantityMilli: 500, UnitPrice: 1}, money.LineTotals{0, 0, 0}},
		{"net tie up", money.Line{QuantityMilli: 1_500, UnitPrice: 1}, money.LineTotals{2, 0, 2}},
		{"net 2.5 to 2", money.Line{QuantityMilli: 2_500, UnitPrice: 1}, money.LineTotals{2, 0, 2}},
		// 7.5 h × 38.50 = 288.75; 10 % tax = 28.875 → 28.88 (tie to even 8).
		{"tax tie up", money.Line{QuantityMilli: 7_500, UnitPrice: 3_850, TaxRateBP: 1_000}, money.LineTotals{28_875, 2_888, 31_763}},
		// 2.5 cent tax on 25 cents at 10 %: tie to even 2.
		{"tax tie down", money.Line{QuantityMilli: 1_000, UnitPrice: 25, TaxRateBP: 1_000}, money.LineTotals{25, 2, 27}},
		{"just under a tie", money.Line{QuantityMilli: 1_499, UnitPrice: 1}, money.LineTotals{1, 0, 1}},
		{"just over a tie", money.Line{QuantityMilli: 501, UnitPrice: 1}, money.LineTotals{1, 0, 1}},
		{"7.7 % tax", money.Line{QuantityMilli: 1_000, UnitPrice: 1_995, TaxRateBP: 770}, money.LineTotals{1_995, 154, 2_149}},
		{"negative (credit) tie", money.Line{QuantityMilli: -1_500, UnitPrice: 1}, money.LineTotals{-2, 0, -2}},
		{"large", money.Line{QuantityMilli: 1_000_000, UnitPrice: 99_999_999_999, TaxRateBP: 2_000},
			money.LineTotals{99_999_999_999_000, 19_999_999_999_800, 119_999_999_998_800}},
	}
	for _, c := range cases {
		got, err := c.line.Totals()
		if err != nil || got != c.want {
			t.Errorf("%s: %+v.Totals() = %+v, %v; want %+v", c.name, c.line, got, err, c.want)
		}
	}
	if _, err := (money.Line{QuantityMilli: 1_000_000_000, UnitPrice: money.MaxMinor}).Totals(); !errors.Is(err, money.ErrTooLarge) {
		t.Errorf("an overflowing line: %v", err)
	}
}

func TestSumAddsRoundedLinesWithoutRoundingAgain(t *testing.T) {
	t.Parallel()
	// 1000 lines of half a cent each: each rounds to 0 (even), so the total
	// is 0, not the 5.00 a sum-then-round would give. The invoice shows what
	// its lines show.
	lines := make([]money.Line, 1000)
	for i := range lines {
		lines[i] = money.Line{QuantityMilli: 500, UnitPrice: 1, TaxRateBP: 2_000}
	}
	if got, err := money.Sum(lines); err != nil || got != (money.InvoiceTotals{}) {
		t.Errorf("1000 half-cent lines: %+v, %v", got, err)
	}
	// 1000 lines of 1.5 cents with 10 % tax: each 2 + 0 (0.2 rounds down).
	for i := range lines {
		lines[i] = money.Line{QuantityMilli: 1_500, UnitPrice: 1, TaxRateBP: 1_000}
	}
	if got, err := money.Sum(lines); err != nil || got != (money.InvoiceTotals{Subtotal: 2_000, Tax: 0, Total: 2_000}) {
		t.Errorf("1000 lines of 1.5 cents: %+v, %v", got, err)
	}
	big := money.Line{QuantityMilli: 1_000, UnitPrice: money.MaxMinor / 2}
	if _, err := money.Sum([]money.Line{big, big, big}); !errors.Is(err, money.ErrTooLarge) {
		t.Errorf("a total past MaxMinor: %v", err)
	}
}

func TestStaffCost(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d     time.Duration
		staff int
		rate  int64
		want  int64
	}{
		{5 * time.Hour, 3, 3_800, 57_000},
		{7*time.Hour + 30*time.Minute, 1, 3_850, 28_875},
		{25 * time.Hour, 2, 4_200, 210_000}, // a night the clocks go back: 25 real hours
		{time.Minute, 1, 30, 0},             // 0.5 cent: tie to even 0
		{3 * time.Minute, 1, 30, 2},         // 1.5 cents: tie to even 2
		{time.Second, 1, 1_800, 0},          // 0.5 cent
	}
	for _, c := range cases {
		if got, err := money.StaffCost(c.d, c.staff, c.rate); err != nil || got != c.want {
			t.Errorf("StaffCost(%v, %d, %d) = %d, %v; want %d", c.d, c.staff, c.rate, got, err, c.want)
		}
	}
}

func TestMilliAndBasisPointsRefuseHiddenRounding(t *testing.T) {
	t.Parallel()
	if v, err := money.Milli(7.5); err != nil || v != 7_500 {
		t.Errorf("Milli(7.5) = %d, %v", v, err)
	}
	if v, err := money.Milli(0.001); err != nil || v != 1 {
		t.Errorf("Milli(0.001) = %d, %v", v, err)
	}
	if _, err := money.Milli(0.0005); err == nil {
		t.Error("Milli(0.0005) accepted")
	}
	if v, err := money.BasisPoints(7.7); err != nil || v != 770 {
		t.Errorf("BasisPoints(7.7) = %d, %v", v, err)
	}
	if _, err := money.BasisPoints(7.775); err == nil {
		t.Error("BasisPoints(7.775) accepted")
	}
}

func TestDecimalAndFormat(t *testing.T) {
	t.Parallel()
	decimals := map[string]string{
		money.Decimal(123_450, "AUD"):        "1234.50",
		money.Decimal(5, "EUR"):              "0.05",
		money.Decimal(-5, "EUR"):             "-0.05",
		money.Decimal(0, "EUR"):              "0.00",
		money.Decimal(1_200, "JPY"):          "1200",
		money.Decimal(1_234, "KWD"):          "1.234",
		money.Decimal(money.MaxMinor, "EUR"): "10000000000000.00",
	}
	for got, want := range decimals {
		if got != want {
			t.Errorf("Decimal = %q, want %q", got, want)
		}
	}
	formats := map[string]string{
		money.Format(123_450, "AUD", "en-AU"):             "AUD 1,234.50",
		money.Format(123_450, "EUR", "de-DE"):             "EUR 1.234,50",
		money.Format(1_200, "JPY", "en-GB"):               "JPY 1,200",
		money.Format(5, "EUR", "en-GB"):                   "EUR 0.05",
		money.Format(999_999_999_999_999, "EUR", "en-GB"): "EUR 9,999,999,999,999.99",
		money.Format(100, "EUR", "not a locale!"):         "EUR 1.00",
	}
	for got, want := range formats {
		if got != want {
			t.Errorf("Format = %q, want %q", got, want)
		}
	}
}
