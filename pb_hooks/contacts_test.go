package pb_hooks_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/crewportal/crewportal/collections"
	"github.com/crewportal/crewportal/pb_hooks/portaltest"
)

// TestInviteTakenAddress checks that inviting an address some contact
// already has gets one plain answer, the same whether the contact is a
// colleague, another company's, or differs only in case: no oracle of who
// uses the portal (issue 11, bug 5).
func TestInviteTakenAddress(t *testing.T) {
	t.Parallel()
	s := newAccountServer(t)
	manager := portaltest.AuthHeaders(t, s.a.manager.Record)["Authorization"]
	other := portaltest.NewClient(t, s.app, "Other Co")
	portaltest.NewContact(t, s.app, other, nil, "someone@other.test")

	var first map[string]any
	for _, email := range []string{s.a.booker.Email(), "someone@other.test", "SOMEONE@Other.test"} {
		code, body := s.call(t, http.MethodPost, "/api/collections/contacts/records", manager,
			map[string]any{"name": "Zoe", "email": email, "client": s.a.client.Id, "role": s.a.other.Id})
		if code != http.StatusBadRequest {
			t.Fatalf("invite %s: %d %v", email, code, body)
		}
		data, _ := body["data"].(map[string]any)
		item, _ := data[collections.FieldEmail].(map[string]any)
		if msg, _ := item["message"].(string); !strings.Contains(msg, "cannot be invited; ask the agency") {
			t.Errorf("invite %s: %v, want the plain refusal on email", email, body)
		}
		if first == nil {
			first = body
		} else if !reflect.DeepEqual(body, first) {
			t.Errorf("invite %s answered %v, but a colleague's address %v", email, body, first)
		}
	}
	if n, _ := s.app.CountRecords(collections.Contacts); n != 5 {
		t.Errorf("%d contacts after refused invitations, want 5", n)
	}
}
