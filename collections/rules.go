package collections

import "strings"

// API rule fragments: the permission knowledge written once. Migrations
// compose collections' rules from them (rules_test.go checks the live rules
// against these compositions), so a rule reads as what it means, e.g.
// RuleAnd(RuleIsContact, RuleOwnClient).
const (
	// RuleIsContact: the request is signed in as a client contact.
	RuleIsContact = `@request.auth.collectionName = "contacts"`
	// RuleOwnClient: the record belongs to the contact's own client.
	RuleOwnClient = `client = @request.auth.client`
	// RuleSelf: the record is the signed-in contact themselves.
	RuleSelf = `id = @request.auth.id`
	// RuleContactActive: a contact that may sign in (the contacts' auth rule).
	RuleContactActive = `status = "active" && client.portal_enabled = true`
)

// RuleHasPermission: the signed-in contact's role grants the permission.
func RuleHasPermission(p Permission) string {
	return `@request.auth.role.permissions:each ?= "` + string(p) + `"`
}

// RuleAnd joins rule fragments that must all hold.
func RuleAnd(parts ...string) string { return strings.Join(parts, " && ") }

// RuleProtectedFile: the request downloads a protected file with a file
// token. Record reads (list, view, expand, realtime) never match it, so a
// rule that starts with it opens a collection's files and nothing else.
const RuleProtectedFile = `@request.context = "protectedFile"`

// RuleRosteredForOwnClient: the staff member in staffField is rostered (has
// an assignment) on an event of the contact's own client. Both conditions
// name one alias, so they hold for the same assignment.
func RuleRosteredForOwnClient(staffField string) string {
	return `@collection.assignments:roster.staff ?= ` + staffField +
		` && @collection.assignments:roster.client ?= @request.auth.client`
}
