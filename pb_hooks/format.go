package pb_hooks

import "github.com/crewportal/crewportal/money"

// FormatMoney writes an amount in minor units with its ISO currency code, in
// the agency's locale ("AUD 1,234.50"), as the portal does.
func FormatMoney(minor int64, currency, locale string) string {
	return money.Format(minor, currency, locale)
}
