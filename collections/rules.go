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
