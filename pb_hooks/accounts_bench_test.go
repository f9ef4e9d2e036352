package pb_hooks_test

import (
	"net/http"
	"testing"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// BenchmarkRefusedSignIn times refused sign-ins over HTTP for an unknown
// email, an active contact and an invited one (wrong passwords): the three
// figures should match, since each does one password comparison (issue 12,
// item 5). TestRefusedSignInsCostTheSame asserts the count; this shows the
// time.
func BenchmarkRefusedSignIn(b *testing.B) {
	app := portaltest.OpenApp(b, portaltest.NewDataDir(b), pb_hooks.Config{Outbox: pb_hooks.OutboxConfig{Disabled: true}})
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		b.Fatal(err)
	}
	a := newAgency(b, app)
	invited := portaltest.Create(b, app, collections.Contacts, map[string]any{"name": "Sam New",
		"email": "sam@acme.test", "client": a.client.Id, "role": a.other.Id, "status": "invited"})
	base := portaltest.StartServer(b, app)
	for _, c := range []struct{ name, email string }{
		{"unknown", "nobody@acme.test"}, {"active", a.manager.Email()}, {"invited", invited.Email()},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				status, _ := portaltest.Call(b, http.MethodPost, base+"/api/collections/contacts/auth-with-password", "",
					map[string]string{"identity": c.email, "password": "not-the-password"})
				if status != http.StatusBadRequest {
					b.Fatalf("status %d", status)
				}
			}
		})
	}
}
