package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// Adds the agency's locale to the portal settings: the BCP 47 language tag
// (e.g. "en-AU") the portal's pages and the emails write dates and times
// in, with the existing record set to "en-GB".
func init() {
	registerNewField(collections.PortalSettings, &core.TextField{Name: "locale", Max: 35,
		Help: "How dates and times are written, as a language tag: en-GB (Wed 9 Dec 2026, 18:00), en-AU, en-US, de-DE… Empty means en-GB."}, "en-GB")
}
