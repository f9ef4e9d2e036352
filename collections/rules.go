package collections

import (
	"regexp"
	"slices"
	"strings"
)

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

// AuthValues are the signed-in contact's own ids a narrowing is written with.
type AuthValues struct{ ID, Client, Role string }

// safeValue is what a PocketBase record id looks like: safe inside quotes.
var safeValue = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// plainEquality is `field = value`: a field of the record itself (no path,
// no modifier) against the contact's own id, client or role, or a literal.
var plainEquality = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*) = (@request\.auth\.(?:id|client|role)|"[^"\\]*"|true|false)$`)

// ListNarrowing returns a filter that rule implies for the contact, made
// only of plain comparisons of the record's own fields with values, e.g.
// `client = "c1"` for RuleAnd(RuleIsContact, RuleOwnClient) or
// `id = "me" || client = "c1"` for the colleagues rule. PocketBase resolves
// only the auth record's system fields (id, email…) to values; any other
// field, such as client, becomes a LEFT JOIN of the contact compared through
// COALESCE, which no index serves, so a list ruled by
// `client = @request.auth.client` scans its whole table. Added to the list's
// filter, the narrowing gives SQLite comparisons it can search an index by,
// while the rule itself still decides what the contact sees: as the rule
// implies the narrowing, the answer is the same. ok is false when the rule
// implies no such filter (an OR branch without a plain comparison) or when
// it would not name any of the contact's values.
func ListNarrowing(rule string, auth AuthValues) (filter string, ok bool) {
	filter, ok = narrowOr(rule, auth)
	names := func(v string) bool { return v != "" && strings.Contains(filter, `"`+v+`"`) }
	return filter, ok && (names(auth.ID) || names(auth.Client) || names(auth.Role))
}

// plainInequality is `field != value`: a field of the record itself against
// a literal, which PocketBase compiles with no join.
var plainInequality = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]* != ("[^"\\]*"|true|false)$`)

// RelationInequality is `relation.field != value`: a field of the record
// a single relation names, against a literal. Its first group is the
// relation field.
var RelationInequality = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_][A-Za-z0-9_]* != ("[^"\\]*"|true|false)$`)

// permissionTerm is RuleHasPermission's fragment; its group is the permission.
var permissionTerm = regexp.MustCompile(`^@request\.auth\.role\.permissions:each \?= "([a-z_]+)"$`)

// ExactListRule returns the rule as it stands for one signed-in contact
// whose role grants permissions: RuleIsContact and a granted permission are
// true and drop out, and `field = @request.auth.client` (or .id, .role) is
// written with the contact's value, so RuleAnd(RuleIsContact, RuleOwnClient,
// RuleHasPermission(PermViewInvoices), `status != "draft"`) is `client =
// "c1" && status != "draft"` for a contact with view_invoices. ok is false
// unless the rule is one conjunction and every part is one of those, a
// plain comparison of the record's own field with a literal, or a field of
// a related record unequal to a literal (`invoice.status != "draft"`), and
// the result names one of the contact's ids: then the written rule selects
// exactly the records the rule lets the contact list (the parts it keeps
// are the rule's own, which PocketBase reads the same way in both), and
// PocketBase compiles it with no join of the contact or its role's
// permissions; a related record is joined by its id. A permission the role
// lacks gives false too (the rule itself then allows nothing).
func ExactListRule(rule string, auth AuthValues, permissions []string) (string, bool) {
	if len(splitTopLevel(rule, "||")) != 1 {
		return "", false
	}
	w := writtenAnd(rule, auth, permissions, false)
	names := func(v string) bool { return v != "" && strings.Contains(w.rule, `"`+v+`"`) }
	return w.rule, w.kind == someRecords && (names(auth.ID) || names(auth.Client) || names(auth.Role))
}

// WrittenRule is ExactListRule for any rule made of those parts with &&, ||
// and parentheses, such as the colleagues rule `id = @request.auth.id ||
// (RuleIsContact && can manage contacts && client = @request.auth.client)`:
// `id = "me" || client = "c1"` for a contact whose role may manage
// contacts, `id = "me"` for one whose role may not. A branch that needs a
// permission the role lacks drops out; "" is a rule every record passes
// (RuleIsContact alone, for a contact). ok is false for any other rule, and
// for one that allows the contact nothing.
func WrittenRule(rule string, auth AuthValues, permissions []string) (string, bool) {
	w := writtenOr(rule, auth, permissions)
	return w.rule, w.kind == someRecords || w.kind == everyRecord
}

// WrittenListRule is WrittenRule for a contact's list: the rule written
// whole, when it selects some records and the rule implies a narrowing
// (ListNarrowing: every branch compares a field of the record itself with
// one of the contact's ids or a literal), so that SQLite can search an
// index for each branch of it. The colleagues rule is `id = "me" || client
// = "c1"` for a contact whose role may manage contacts.
func WrittenListRule(rule string, auth AuthValues, permissions []string) (string, bool) {
	w := writtenOr(rule, auth, permissions)
	if w.kind != someRecords {
		return "", false
	}
	_, ok := ListNarrowing(rule, auth)
	return w.rule, ok
}

// written is a rule, or part of one, written for a contact.
type written struct {
	rule string
	kind writtenKind
}

type writtenKind int

const (
	unwritable  writtenKind = iota // a part that is not one of WrittenRule's
	noRecord                       // false: a permission the role lacks
	everyRecord                    // true: RuleIsContact, a granted permission
	someRecords                    // rule
)

func writtenOr(expr string, auth AuthValues, permissions []string) written {
	var branches []string
	for _, b := range splitTopLevel(expr, "||") {
		w := writtenAnd(strings.TrimSpace(b), auth, permissions, true)
		switch w.kind {
		case unwritable, everyRecord:
			return w
		case someRecords:
			branches = append(branches, w.rule)
		}
	}
	if len(branches) == 0 {
		return written{kind: noRecord}
	}
	if len(branches) > 1 {
		for i, b := range branches {
			branches[i] = parenthesised(b, "&&")
		}
	}
	return written{rule: strings.Join(branches, " || "), kind: someRecords}
}

// parenthesised is the rule in parentheses when op joins its top level.
func parenthesised(rule, op string) string {
	if len(splitTopLevel(rule, op)) > 1 {
		return "(" + rule + ")"
	}
	return rule
}

// writtenAnd writes a conjunction; nested says whether a part may be a
// parenthesised rule of its own.
func writtenAnd(expr string, auth AuthValues, permissions []string, nested bool) written {
	var terms []string
	for _, part := range splitTopLevel(expr, "&&") {
		part = strings.TrimSpace(part)
		var w written
		if inner, ok := unwrapParens(part); ok && nested {
			w = writtenOr(inner, auth, permissions)
			w.rule = parenthesised(w.rule, "||")
		} else {
			w = writtenTerm(part, auth, permissions)
		}
		switch w.kind {
		case unwritable, noRecord:
			return w
		case someRecords:
			terms = append(terms, w.rule)
		}
	}
	if len(terms) == 0 {
		return written{kind: everyRecord}
	}
	return written{rule: strings.Join(terms, " && "), kind: someRecords}
}

// writtenTerm writes one comparison of a rule.
func writtenTerm(part string, auth AuthValues, permissions []string) written {
	switch m := permissionTerm.FindStringSubmatch(part); {
	case part == RuleIsContact:
		return written{kind: everyRecord}
	case m != nil:
		if slices.Contains(permissions, m[1]) {
			return written{kind: everyRecord}
		}
		return written{kind: noRecord}
	case plainEquality.MatchString(part):
		if t, ok := narrowAnd(part, auth); ok {
			return written{rule: t, kind: someRecords}
		}
	case plainInequality.MatchString(part), RelationInequality.MatchString(part):
		return written{rule: part, kind: someRecords}
	}
	return written{kind: unwritable}
}

// clientTerm is a written rule's `client = "c1"`.
var clientTerm = regexp.MustCompile(`^` + FieldClient + ` = "([A-Za-z0-9_]+)"$`)

// RuleClient is the client every record a written rule (ExactListRule)
// selects belongs to: c1 when one of its top-level terms is `client =
// "c1"`.
func RuleClient(rule string) (string, bool) {
	if len(splitTopLevel(rule, "||")) != 1 {
		return "", false
	}
	for _, part := range splitTopLevel(rule, "&&") {
		if m := clientTerm.FindStringSubmatch(strings.TrimSpace(part)); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// narrowOr narrows a disjunction: every branch must imply a comparison.
func narrowOr(expr string, auth AuthValues) (string, bool) {
	branches := splitTopLevel(expr, "||")
	terms := make([]string, 0, len(branches))
	for _, b := range branches {
		t, ok := narrowAnd(b, auth)
		if !ok {
			return "", false
		}
		terms = append(terms, t)
	}
	if len(terms) == 1 {
		return terms[0], true
	}
	return "(" + strings.Join(terms, " || ") + ")", true
}

// narrowAnd narrows a conjunction: the comparisons any of its parts imply.
func narrowAnd(expr string, auth AuthValues) (string, bool) {
	var terms []string
	for _, part := range splitTopLevel(expr, "&&") {
		part = strings.TrimSpace(part)
		if inner, ok := unwrapParens(part); ok {
			if t, ok := narrowOr(inner, auth); ok {
				terms = append(terms, t)
			}
			continue
		}
		m := plainEquality.FindStringSubmatch(part)
		if m == nil {
			continue
		}
		value := m[2]
		if v, isAuth := map[string]string{"@request.auth.id": auth.ID, "@request.auth.client": auth.Client,
			"@request.auth.role": auth.Role}[value]; isAuth {
			if !safeValue.MatchString(v) {
				return "", false
			}
			value = `"` + v + `"`
		}
		terms = append(terms, m[1]+" = "+value)
	}
	if len(terms) == 0 {
		return "", false
	}
	return strings.Join(terms, " && "), true
}

// splitTopLevel splits expr at op outside parentheses and quotes.
func splitTopLevel(expr, op string) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(expr); i++ {
		switch c := expr[i]; {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && strings.HasPrefix(expr[i:], op):
			parts = append(parts, expr[start:i])
			start = i + len(op)
			i += len(op) - 1
		}
	}
	return append(parts, expr[start:])
}

// unwrapParens returns the inside of an expression wholly in parentheses.
func unwrapParens(expr string) (string, bool) {
	if !strings.HasPrefix(expr, "(") || !strings.HasSuffix(expr, ")") {
		return "", false
	}
	inner := expr[1 : len(expr)-1]
	depth := 0
	for _, c := range inner {
		if c == '(' {
			depth++
		} else if c == ')' {
			if depth--; depth < 0 {
				return "", false // "(a) && (b)" is not one group
			}
		}
	}
	return inner, true
}
