package pb_hooks_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

func TestPortalSettingsRecord(t *testing.T) {
	t.Parallel()
	// superuser is created in each scenario's own app; its token is set there.
	withAdmin := func(s *tests.ApiScenario) {
		s.TestAppFactory = portaltest.NewTestApp
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			admin := portaltest.NewSuperuser(t, app, "admin@example.test")
			s.Headers = portaltest.AuthHeaders(t, admin)
			if strings.Contains(s.URL, "{id}") {
				settings, err := collections.LoadSettings(app)
				if err != nil {
					t.Fatal(err)
				}
				s.URL = strings.ReplaceAll(s.URL, "{id}", settings.Id)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name:            "a second settings record is refused",
			Method:          http.MethodPost,
			URL:             "/api/collections/portal_settings/records",
			Body:            strings.NewReader(`{"time_zone":"Europe/Paris"}`),
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{"already exist"},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1, "OnModelCreate": 1, "OnRecordCreate": 1},
		},
		{
			Name:            "an unknown time zone is a field error",
			Method:          http.MethodPatch,
			URL:             "/api/collections/portal_settings/records/{id}",
			Body:            strings.NewReader(`{"time_zone":"Mars/Olympus"}`),
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`"time_zone"`, "IANA time zone"},
		},
		{
			Name:            "a valid time zone is saved",
			Method:          http.MethodPatch,
			URL:             "/api/collections/portal_settings/records/{id}",
			Body:            strings.NewReader(`{"time_zone":"Australia/Melbourne"}`),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"time_zone":"Australia/Melbourne"`},
		},
		{
			Name:            "a locale that is not a language tag is a field error",
			Method:          http.MethodPatch,
			URL:             "/api/collections/portal_settings/records/{id}",
			Body:            strings.NewReader(`{"locale":"Australian please"}`),
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`"locale"`, "language tag such as en-GB"},
		},
		{
			Name:            "a locale is saved in its canonical spelling",
			Method:          http.MethodPatch,
			URL:             "/api/collections/portal_settings/records/{id}",
			Body:            strings.NewReader(`{"locale":"en_au"}`),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"locale":"en-AU"`},
		},
		{
			Name:            "the migration sets the default locale",
			Method:          http.MethodGet,
			URL:             "/api/collections/portal_settings/records/{id}",
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"locale":"en-GB"`},
		},
		{
			Name:            "the settings cannot be deleted",
			Method:          http.MethodDelete,
			URL:             "/api/collections/portal_settings/records/{id}",
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{"cannot be deleted"},
		},
	}
	for i := range scenarios {
		withAdmin(&scenarios[i])
		scenarios[i].Test(t)
	}
}

// TestSettingsCacheFollowsCommitsOnly checks the settings cache: a change is
// seen at once after it commits, a transaction reads the cache until it
// changes the settings and then sees its own change while everyone else
// still sees the committed one, and a change rolled back never reaches the
// cache.
func TestSettingsCacheFollowsCommitsOnly(t *testing.T) {
	t.Parallel()
	app := portaltest.App(t)
	zone := func(a core.App) string {
		t.Helper()
		s, err := pb_hooks.PortalSettings(a)
		if err != nil {
			t.Fatal(err)
		}
		return s.TimeZone()
	}
	setZone := func(a core.App, tz string) {
		t.Helper()
		s, err := collections.LoadSettings(a)
		if err != nil {
			t.Fatal(err)
		}
		s.Set(collections.FieldTimeZone, tz)
		if err := a.Save(s); err != nil {
			t.Fatal(err)
		}
	}
	before := zone(app)
	setZone(app, "Asia/Tokyo")
	if got := zone(app); got != "Asia/Tokyo" {
		t.Errorf("after a committed change: %s", got)
	}
	errRollBack := errors.New("roll back")
	err := app.RunInTransaction(func(tx core.App) error {
		if got := zone(tx); got != "Asia/Tokyo" {
			t.Errorf("inside a transaction, before its change: %s", got)
		}
		setZone(tx, "America/Chicago")
		if got := zone(tx); got != "America/Chicago" {
			t.Errorf("inside the transaction: %s, want its own change", got)
		}
		if got := zone(app); got != "Asia/Tokyo" {
			t.Errorf("outside the transaction while it is open: %s, want the committed Asia/Tokyo", got)
		}
		return errRollBack
	})
	if !errors.Is(err, errRollBack) {
		t.Fatal(err)
	}
	if got := zone(app); got != "Asia/Tokyo" {
		t.Errorf("after a rollback: %s, want the committed Asia/Tokyo (before: %s)", got, before)
	}
	if err := app.RunInTransaction(func(tx core.App) error {
		if got := zone(tx); got != "Asia/Tokyo" {
			t.Errorf("a transaction after the rollback: %s", got)
		}
		setZone(tx, "Europe/Paris")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := zone(app); got != "Europe/Paris" {
		t.Errorf("after a committed transaction: %s", got)
	}
}
