package pb_hooks

import (
	"fmt"
)

// FormatMoney writes an amount with its ISO currency code.
func FormatMoney(amount float64, currency string) string {
	return fmt.Sprintf("%s %.2f", currency, amount)
}
