package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// When a company's portal was last switched off (issue 11, bug 3): its
// contacts' sessions from before then are refused, while their emailed
// activation and reset links, signed with the same token key, keep working.
// Hidden: only admins see it.
func init() {
	registerNewField(collections.Clients, &core.DateField{Name: "sessions_ended_at", Hidden: true,
		Help: "Set by the portal when the company's portal is switched off: sessions from before then stay signed out."}, nil)
}
