package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Rate limits that each apply (issue 12, item 6). PocketBase takes, for a
// request, the first rule whose label matches in the order of its own
// labels (exact labels before any prefix "/api/…/" rule), and keys every
// rule by IP address. So:
//   - the activation link check has an exact label, which the broader
//     "/api/" prefix can no longer shadow;
//   - the per-address rules for general traffic apply to anonymous
//     requests only (@guest): the contacts of one office share an address;
//   - signed-in contacts are limited each on their own by the plugin,
//     through the "portal_contact" rule (pb_hooks.ContactRateLimitLabel),
//     a label PocketBase itself never matches.
//
// Sign-in, reset and activation attempts stay per address for everyone:
// they are what a password guesser sends.
func init() {
	m.Register(func(app core.App) error {
		settings := app.Settings()
		settings.RateLimits.Enabled = true
		settings.RateLimits.Rules = []core.RateLimitRule{
			{Label: "contacts:authWithPassword", MaxRequests: 10, Duration: 60},
			{Label: "contacts:requestPasswordReset", MaxRequests: 3, Duration: 300},
			{Label: "contacts:confirmPasswordReset", MaxRequests: 10, Duration: 300},
			{Label: "GET /api/portal/activation", MaxRequests: 20, Duration: 60},
			{Label: "*:auth", MaxRequests: 2, Duration: 3},
			{Label: "*:create", MaxRequests: 20, Duration: 5, Audience: core.RateLimitRuleAudienceGuest},
			{Label: "/api/batch", MaxRequests: 3, Duration: 1},
			{Label: "/api/", MaxRequests: 300, Duration: 10, Audience: core.RateLimitRuleAudienceGuest},
			{Label: "portal_contact", MaxRequests: 300, Duration: 10},
		}
		return app.Save(settings)
	}, nil)
}
