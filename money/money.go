// Package money is Crewportal's one way of holding, computing and writing
// amounts: an amount is an integer number of the currency's minor units
// (cents; none for JPY, thousandths for KWD) plus its ISO 4217 code. No money
// is ever a float: rates, estimates, invoice lines, totals and payments are
// all int64 minor units in the database, in Go and in JSON.
//
// Rounding happens in exactly two places, both half-even ("banker's"
// rounding, so ties do not drift upwards over many lines) and both once per
// result: a line's net amount (quantity × unit price) and its tax (net × tax
// rate) are each rounded once, and the invoice totals are plain sums of the
// rounded lines; an estimate (elapsed time × staff × hourly rate) is rounded
// once. Intermediate products are exact (math/big), so a large amount cannot
// overflow or lose a cent on the way.
//
// Example usage:
//
//	t, err := money.Line{QuantityMilli: 7_500, UnitPrice: 3_850, TaxRateBP: 1_000}.Totals()
//	// t.Net == 28_875, t.Tax == 2_888 (2_887.5 rounds to even), t.Total == 31_763
//	money.Format(t.Total, "AUD", "en-AU") // "AUD 317.63"
package money

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// MaxMinor bounds every stored amount: it stays inside the integers a
// JavaScript number holds exactly (2^53), so the portal never rounds one.
const MaxMinor int64 = 1_000_000_000_000_000

// ErrTooLarge is returned when a result would exceed MaxMinor.
var ErrTooLarge = errors.New("the amount is too large")

// Exponent returns the number of minor-unit digits of an ISO 4217 currency
// (2 for EUR, 0 for JPY, 3 for KWD), or an error naming the code when it is
// not an ISO currency.
func Exponent(code string) (int, error) {
	if len(code) != 3 || strings.ToUpper(code) != code {
		return 0, fmt.Errorf("%q is not an ISO 4217 currency code", code)
	}
	unit, err := currency.ParseISO(code)
	if err != nil {
		return 0, fmt.Errorf("%q is not an ISO 4217 currency code", code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	return scale, nil
}

// FromMajor converts an amount written in major units (38.5 dollars) to
// minor units, rounding half-even at the currency's exponent. The float is
// read as the shortest decimal that prints it (38.35, not 38.3499…), so a
// value typed as 0.005 is a tie. It is for migrating old float data and
// for tests, never for computing.
func FromMajor(major float64, code string) (int64, error) {
	exp, err := Exponent(code)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(major) || math.IsInf(major, 0) {
		return 0, fmt.Errorf("%v is not an amount", major)
	}
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(major, 'f', -1, 64))
	if !ok {
		return 0, fmt.Errorf("%v is not an amount", major)
	}
	r.Mul(r, new(big.Rat).SetInt(pow10(exp)))
	return toInt64(roundHalfEven(r.Num(), r.Denom()))
}

// Line is one invoice line in exact units: the quantity in thousandths
// (7.5 hours = 7_500), the unit price in minor units and the tax rate in
// basis points (20 % = 2_000).
type Line struct {
	QuantityMilli int64
	UnitPrice     int64
	TaxRateBP     int64
}

// LineTotals are a line's rounded amounts in minor units.
type LineTotals struct {
	Net, Tax, Total int64
}

// Totals returns the line's net amount (quantity × unit price, rounded
// half-even once), its tax (net × rate, rounded half-even once) and their
// sum.
func (l Line) Totals() (LineTotals, error) {
	net := roundHalfEven(
		new(big.Int).Mul(big.NewInt(l.QuantityMilli), big.NewInt(l.UnitPrice)), big.NewInt(1000))
	tax := roundHalfEven(new(big.Int).Mul(net, big.NewInt(l.TaxRateBP)), big.NewInt(10_000))
	var t LineTotals
	var err1, err2, err3 error
	t.Net, err1 = toInt64(net)
	t.Tax, err2 = toInt64(tax)
	t.Total, err3 = toInt64(new(big.Int).Add(net, tax))
	return t, errors.Join(err1, err2, err3)
}

// InvoiceTotals are an invoice's amounts in minor units: the sums of its
// rounded lines.
type InvoiceTotals struct {
	Subtotal, Tax, Total int64
}

// Sum adds up the lines' rounded amounts. No rounding happens here: the
// invoice total is exactly the sum of what each line shows.
func Sum(lines []Line) (InvoiceTotals, error) {
	var t InvoiceTotals
	for i, l := range lines {
		lt, err := l.Totals()
		if err != nil {
			return InvoiceTotals{}, fmt.Errorf("line %d: %w", i+1, err)
		}
		t.Subtotal += lt.Net
		t.Tax += lt.Tax
		t.Total += lt.Total
		if t.Total > MaxMinor || t.Total < -MaxMinor {
			return InvoiceTotals{}, ErrTooLarge
		}
	}
	return t, nil
}

// StaffCost is the price of staff people working for d at an hourly rate
// in minor units, rounded half-even once. d is real elapsed time, counted
// to the second.
func StaffCost(d time.Duration, staff int, hourlyRate int64) (int64, error) {
	n := new(big.Int).Mul(big.NewInt(int64(d/time.Second)), big.NewInt(int64(staff)))
	n.Mul(n, big.NewInt(hourlyRate))
	return toInt64(roundHalfEven(n, big.NewInt(3600)))
}

// Milli reads a quantity with at most three decimals (7.5 → 7_500), the
// precision invoice quantities are kept in; more decimals are an error
// rather than a silent rounding.
func Milli(v float64) (int64, error) { return scaled(v, 3) }

// BasisPoints reads a percentage with at most two decimals (7.7 → 770).
func BasisPoints(percent float64) (int64, error) { return scaled(percent, 2) }

func scaled(v float64, decimals int) (int64, error) {
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(v, 'f', -1, 64))
	if !ok || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%v is not a number", v)
	}
	r.Mul(r, new(big.Rat).SetInt(pow10(decimals)))
	if !r.IsInt() {
		return 0, fmt.Errorf("use at most %d decimals", decimals)
	}
	return toInt64(r.Num())
}

// Decimal writes minor units as a plain decimal in major units with the
// currency's digits ("1234.50", "-0.05", "1200" for JPY): for CSV files and
// other machine-readable output.
func Decimal(minor int64, code string) string {
	exp, err := Exponent(code)
	if err != nil {
		exp = 2
	}
	sign, digits := "", strconv.FormatInt(minor, 10)
	if minor < 0 {
		sign, digits = "-", digits[1:]
	}
	if exp == 0 {
		return sign + digits
	}
	if len(digits) <= exp {
		digits = strings.Repeat("0", exp-len(digits)+1) + digits
	}
	return sign + digits[:len(digits)-exp] + "." + digits[len(digits)-exp:]
}

// Format writes an amount for people in a BCP 47 locale, currency code
// first as the portal does ("AUD 1,234.50"; "EUR 1.234,50" in de-DE): the
// code is unambiguous where a symbol such as $ is not.
func Format(minor int64, code, locale string) string {
	exp, err := Exponent(code)
	if err != nil {
		exp = 2
	}
	tag, err := language.Parse(locale)
	if err != nil {
		tag = language.BritishEnglish
	}
	// Below MaxMinor a float64 holds every amount to well within half a
	// minor unit, so the printed digits are exactly the integer's.
	v := float64(minor) / math.Pow10(exp)
	figure := message.NewPrinter(tag).Sprint(number.Decimal(v, number.Scale(exp)))
	if code == "" {
		return figure
	}
	return code + " " + figure
}

// roundHalfEven divides n by d (d > 0), rounding a tie to the even
// neighbour.
func roundHalfEven(n, d *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(n, d, new(big.Int)) // truncated towards zero
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	switch c := twice.Cmp(d); {
	case c > 0, c == 0 && q.Bit(0) == 1:
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

func toInt64(v *big.Int) (int64, error) {
	if !v.IsInt64() || v.Int64() > MaxMinor || v.Int64() < -MaxMinor {
		return 0, ErrTooLarge
	}
	return v.Int64(), nil
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }
