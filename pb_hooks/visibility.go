package pb_hooks

import (
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/crewportal/crewportal/collections"
)

// Hidden data (issue 12, item 2): a value hidden from a contact stays hidden
// on every path PocketBase answers through: list, view, expand (an event
// expanded from a change request or a shift) and realtime messages. All of
// them run OnRecordEnrich on each record, so the shaping lives there, and
// the filters and sorts that could probe a hidden value are refused.

// hiddenFromQueries are the fields whose values are (partly) hidden from
// contacts: the agency's internal tags and the prices. A contact's filter or
// sort naming one is refused on every collection, since a filter that
// answers differently for a hidden value (`tags ~ 'id'`, `tags:length`,
// `event.tags`, `@collection.events.tags`, `events_via_tags`) reveals it.
// A shift's required qualifications are hidden too (roster.go).
var hiddenFromQueries = []string{collections.FieldTags, collections.FieldEstimatedPrice, collections.FieldRequiredQuals}

func (p *plugin) bindVisibilityHooks() {
	p.bindEnrich(shapeEvent, collections.Events)
	p.bindEnrich(shapePrices, collections.ChangeRequests)
	p.app.OnRecordsListRequest().Bind(&hook.Handler[*core.RecordsListRequestEvent]{
		Id:   HookIDPrefix + "visibility.queries",
		Func: refuseHiddenFieldQueries,
	})
	p.app.OnRealtimeSubscribeRequest().Bind(&hook.Handler[*core.RealtimeSubscribeRequestEvent]{
		Id:   HookIDPrefix + "visibility.subscriptions",
		Func: refuseHiddenFieldSubscriptions,
	})
	p.forgetOnChange(func(app core.App) changeAware { return visibilityOf(app) }, collections.Tags, collections.Roles)
}

// visibleSets are which tags clients may see and what each role may do.
// Enrich hooks run once per record (up to a thousand per list, one per
// realtime subscriber), so they read these from the cache, never the
// database.
type visibleSets struct {
	tags  map[string]bool
	roles map[string][]string // role id → permissions
}

// visibilityOf returns the app's cache of the visible tags and the roles.
func visibilityOf(app core.App) *storeCache[visibleSets] {
	return cacheOf[visibleSets](app, "visibility")
}

// loadVisibility returns the visible tags and the roles' permissions.
func loadVisibility(app core.App) (map[string]bool, map[string][]string) {
	v := visibilityOf(app).get(app, func(app core.App) (visibleSets, error) {
		v := visibleSets{tags: map[string]bool{}, roles: map[string][]string{}}
		var records []*core.Record
		if err := app.RecordQuery(collections.Tags).AndWhere(dbx.HashExp{collections.FieldClientVisible: true}).All(&records); err != nil {
			app.Logger().Warn("Could not load the visible tags; showing none", "error", err)
			return v, err
		}
		for _, r := range records {
			v.tags[r.Id] = true
		}
		records = nil
		if err := app.RecordQuery(collections.Roles).All(&records); err != nil {
			app.Logger().Warn("Could not load the roles; granting nothing", "error", err)
			return v, err
		}
		for _, r := range records {
			v.roles[r.Id] = r.GetStringSlice(collections.FieldPermissions)
		}
		return v, nil
	})
	return v.tags, v.roles
}

// maySeePrices is the one answer to "may this requester see prices?"
// (spec B3): admins, and contacts whose role grants view_prices. Every price
// the plugin serves, in records, lists, exports and the estimate route,
// asks it.
func maySeePrices(app core.App, auth *core.Record) bool {
	if auth == nil {
		return false
	}
	if auth.IsSuperuser() {
		return true
	}
	return contactCan(app, auth, collections.PermViewPrices)
}

// shapePrices reveals a record's hidden estimate to those who may see
// prices, and keeps it hidden from everyone else.
func shapePrices(e *core.RecordEnrichEvent) error {
	if e.RequestInfo != nil && maySeePrices(e.App, e.RequestInfo.Auth) {
		e.Record.Unhide(collections.FieldEstimatedPrice)
	} else {
		e.Record.Hide(collections.FieldEstimatedPrice)
	}
	return nil
}

// shapeEvent gives a contact's copy of an event only the tags marked
// visible to clients, so the others never reach the portal, not even as ids
// (spec E2), and reveals the price as shapePrices does.
func shapeEvent(e *core.RecordEnrichEvent) error {
	if e.RequestInfo == nil || !e.RequestInfo.HasSuperuserAuth() {
		visible, _ := loadVisibility(e.App)
		tags := e.Record.GetStringSlice(collections.FieldTags)
		shown := slices.DeleteFunc(slices.Clone(tags), func(id string) bool { return !visible[id] })
		// Most events have no tags or only visible ones: setting the
		// field, which normalises the value, is a list's cost per record.
		if len(shown) < len(tags) {
			e.Record.Set(collections.FieldTags, shown)
		}
	}
	return shapePrices(e)
}

// refuseHiddenFieldQueries refuses a non-admin list whose filter or sort
// names a hidden field. The request is refused whatever its answer would
// have been, so the refusal itself tells nothing.
func refuseHiddenFieldQueries(e *core.RecordsListRequestEvent) error {
	if e.HasSuperuserAuth() {
		return e.Next()
	}
	q := e.Request.URL.Query()
	for _, param := range []string{"filter", "sort"} {
		if field := hiddenFieldIn(q.Get(param)); field != "" {
			return e.BadRequestError("You cannot filter or sort by "+field+".", map[string]any{
				param: map[string]string{"code": "validation_hidden_field", "message": "Filtering or sorting by " + field + " is not allowed."},
			})
		}
	}
	return e.Next()
}

// refuseHiddenFieldSubscriptions refuses a realtime subscription whose
// options filter or sort by a hidden field: whether a message arrives would
// otherwise answer the filter.
func refuseHiddenFieldSubscriptions(e *core.RealtimeSubscribeRequestEvent) error {
	if e.HasSuperuserAuth() {
		return e.Next()
	}
	for _, topic := range e.Subscriptions {
		for _, expr := range subscriptionQueries(topic) {
			if field := hiddenFieldIn(expr); field != "" {
				return e.BadRequestError("You cannot subscribe with a filter or sort by "+field+".", nil)
			}
		}
	}
	return e.Next()
}

// subscriptionQueries returns the filter and sort a realtime topic carries
// in its options, parsed as PocketBase parses them.
func subscriptionQueries(topic string) []string {
	c := subscriptions.NewDefaultClient()
	c.Subscribe(topic)
	var out []string
	for _, options := range c.Subscriptions() {
		out = append(out, options.Query["filter"], options.Query["sort"])
	}
	return out
}

// hiddenFieldIn returns the hidden field a filter or sort expression names,
// or "". It reads the identifiers outside string literals and checks every
// segment of each path (`event.tags`, `tags:length`, `@collection.events.tags`)
// and back-relations (`events_via_tags`).
func hiddenFieldIn(expr string) string {
	for _, ident := range identifiers(expr) {
		for _, segment := range strings.Split(ident, ".") {
			segment, _, _ = strings.Cut(segment, ":")
			for _, field := range hiddenFromQueries {
				if strings.EqualFold(segment, field) || strings.HasSuffix(strings.ToLower(segment), "_via_"+field) {
					return field
				}
			}
		}
	}
	return ""
}

// identifiers splits an expression into the words outside quoted strings.
func identifiers(expr string) []string {
	var out []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out = append(out, word.String())
			word.Reset()
		}
	}
	var quote rune
	escaped := false
	for _, r := range expr {
		switch {
		case quote != 0:
			if escaped {
				escaped = false
			} else if r == '\\' {
				escaped = true
			} else if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"' || r == '`':
			flush()
			quote = r
		case r == '_' || r == '.' || r == ':' || r == '@' || r == '$' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			word.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}
