package pb_hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

func TestPortalRoutes(t *testing.T) {
	t.Parallel()
	scenarios := []tests.ApiScenario{
		{
			Name:           "the bare domain sends visitors to the portal",
			Method:         http.MethodGet,
			URL:            "/",
			ExpectedStatus: http.StatusFound,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if loc := res.Header.Get("Location"); loc != "/client-portal/" {
					t.Errorf("Location = %q, want /client-portal/", loc)
				}
			},
		},
		{
			Name:            "the portal shell is served with a strict CSP",
			Method:          http.MethodGet,
			URL:             "/client-portal/",
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`<script type="module" src="/client-portal/assets/app.`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if csp := res.Header.Get("Content-Security-Policy"); csp == "" {
					t.Error("no Content-Security-Policy on the portal shell")
				}
			},
		},
		{
			Name:            "a portal route without a file gets the shell",
			Method:          http.MethodGet,
			URL:             "/client-portal/events/abc123",
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`/client-portal/assets/app.`},
		},
		{
			Name:            "a missing asset is a 404, not the shell",
			Method:          http.MethodGet,
			URL:             "/client-portal/js/missing.js",
			ExpectedStatus:  http.StatusNotFound,
			ExpectedContent: []string{"File not found."},
		},
		{
			Name:           "anyone reads the statuses, proposable fields and limits the pages mirror",
			Method:         http.MethodGet,
			URL:            "/api/portal/metadata",
			ExpectedStatus: http.StatusOK,
			ExpectedContent: []string{
				`{"value":"to_be_confirmed","label":"To be confirmed","final":false}`,
				`{"value":"declined","label":"Declined","final":true}`,
				`{"value":"cancelled","label":"Cancelled","final":true}`,
				`{"value":"completed","label":"Completed","final":true}`,
				`"invoice_statuses":[{"value":"issued","label":"Issued","open":true},{"value":"partly_paid","label":"Partly paid","open":true},{"value":"overdue","label":"Overdue","open":true},{"value":"paid","label":"Paid","open":false},{"value":"void","label":"Void","open":false}]`,
				`"proposable_fields":["name","venue","address","start","end","staff_count","notes","profession","start_occurrence","end_occurrence"]`,
				`"max_staff_count":200`, `"max_resource_lines":20`, `"max_resource_quantity":1000`,
			},
		},
		{
			Name:            "the vendored SDK is served from the binary",
			Method:          http.MethodGet,
			URL:             "/client-portal/vendor/pocketbase/pocketbase.es.mjs",
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{"class Client"},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = portaltest.NewTestApp
		s.Test(t)
	}
}
