package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// Lets the admin allow other sites to call the API from a browser (issue
// 12, item 9). By default only the application URL may: PocketBase's own
// default allows every origin. Hidden: contacts read the settings record.
func init() {
	registerNewField(collections.PortalSettings, &core.TextField{Name: "cors_origins", Hidden: true, Max: 2000,
		Help: "Other sites allowed to call the API from a browser, e.g. https://intranet.example.com (comma or line separated). The application URL is always allowed."}, nil)
}
