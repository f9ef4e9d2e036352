package pb_hooks

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/crewportal/crewportal/collections"
)

// contentHTMLField names the admin-written HTML field of each content
// collection (spec M1–M2).
var contentHTMLField = map[string]string{
	collections.CMSPages:       collections.FieldBody,
	collections.ClientSnippets: collections.FieldContent,
}

// minTextContrast is WCAG 2's AA contrast ratio for normal text.
const minTextContrast = 4.5

// Who sees which page or snippet is decided by the collections' read rules
// (pb_migrations/1795460600_reshape_content.go). These hooks keep the admin
// HTML safe, cleaning it on save and again whenever it is served, so HTML
// written before a stricter policy (or straight into the database) is
// cleaned too, and check the snippets' style settings.
func (p *plugin) bindContentHooks() {
	tags := []string{collections.CMSPages, collections.ClientSnippets}
	p.app.OnRecordCreate(tags...).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "content.cleanOnCreate",
		Func: cleanContentOnSave,
	})
	p.app.OnRecordUpdate(tags...).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "content.cleanOnUpdate",
		Func: cleanContentOnSave,
	})
	p.bindEnrich(cleanContentOnServe, tags...)
	p.app.OnRecordValidate(collections.ClientSnippets).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "content.snippetStyle",
		Func: validateSnippetStyle,
	})
}

func cleanContentOnSave(e *core.RecordEvent) error {
	cleanContent(e.App, e.Record)
	return e.Next()
}

func cleanContentOnServe(e *core.RecordEnrichEvent) error {
	cleanContent(e.App, e.Record)
	return nil
}

func cleanContent(app core.App, r *core.Record) {
	field := contentHTMLField[r.Collection().Name]
	r.Set(field, CleanHTML(r.GetString(field), app.Settings().Meta.AppURL))
}

// validateSnippetStyle checks what the field options cannot: custom colours
// come in pairs and stay readable, and the visibility window is not empty.
func validateSnippetStyle(e *core.RecordEvent) error {
	// The fields' own checks first: a colour that is no colour is named as such.
	if err := e.Next(); err != nil {
		return err
	}
	errs := validation.Errors{}
	background, text := collections.Wrap[collections.Snippet](e.Record).Colors()
	switch {
	case background == "" && text == "":
	case background == "" || text == "":
		field := collections.FieldTextColor
		if background == "" {
			field = collections.FieldBackgroundColor
		}
		errs[field] = validation.NewError("validation_color_pair",
			"Set both the background and the text colour, or neither (the tone's colours are used then).")
	default:
		if ratio := contrastRatio(background, text); ratio < minTextContrast {
			errs[collections.FieldTextColor] = validation.NewError("validation_low_contrast",
				fmt.Sprintf("The text colour %s on %s has a contrast of %.2f:1; at least %.1f:1 is needed to stay readable (WCAG AA).",
					text, background, ratio, minTextContrast))
		}
	}
	from := e.Record.GetDateTime(collections.FieldVisibleFrom)
	until := e.Record.GetDateTime(collections.FieldVisibleUntil)
	if !from.IsZero() && !until.IsZero() && !until.After(from) {
		errs[collections.FieldVisibleUntil] = validation.NewError("validation_window",
			"“Visible until” must be later than “visible from”.")
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// contrastRatio is WCAG 2's contrast ratio of two #rrggbb colours (1 to 21).
// The fields' pattern guarantees the format; anything else counts as black.
func contrastRatio(a, b string) float64 {
	la, lb := relativeLuminance(a), relativeLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func relativeLuminance(hex string) float64 {
	if len(hex) != 7 {
		return 0
	}
	channel := func(s string) float64 {
		v, _ := strconv.ParseUint(s, 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(hex[1:3]) + 0.7152*channel(hex[3:5]) + 0.0722*channel(hex[5:7])
}

// visibleSnippet returns the snippet of the key if it is enabled and inside
// its visibility window now (nil otherwise), its content cleaned. Routes use
// it to serve a snippet the visitor may not list, such as the closed
// portal's message on the sign-in page.
func visibleSnippet(app core.App, key collections.SnippetKey) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter(collections.ClientSnippets,
		`key = {:key} && enabled = true && (visible_from = "" || visible_from <= {:now}) && (visible_until = "" || visible_until > {:now})`,
		dbx.Params{"key": key, "now": types.NowDateTime().String()})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find snippet %s: %w", key, err)
	}
	cleanContent(app, r)
	return r, nil
}
