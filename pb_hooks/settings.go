package pb_hooks

import (
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"golang.org/x/text/language"

	"github.com/crewportal/crewportal/collections"
)

// The portal settings are one record that the initial migration creates.
// These hooks keep it that way and keep its time zone usable.
func (p *plugin) bindSettingsHooks() {
	p.app.OnRecordCreate(collections.PortalSettings).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "settings.single",
		Func: refuseSecondSettings,
	})
	p.app.OnRecordDelete(collections.PortalSettings).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "settings.keep",
		Func: refuseSettingsDelete,
	})
	p.app.OnRecordValidate(collections.PortalSettings).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "settings.timeZone",
		Func: validateSettingsTimeZone,
	})
	p.app.OnRecordValidate(collections.PortalSettings).Bind(&hook.Handler[*core.RecordEvent]{
		Id:   HookIDPrefix + "settings.locale",
		Func: validateSettingsLocale,
	})
	p.forgetOnChange(func(app core.App) changeAware { return settingsCacheOf(app) }, collections.PortalSettings)
}

// portalSettings returns the portal settings from the app's cache: nearly
// every portal request reads them (time zone, locale, visibility switches)
// and they change a few times a year. The copy is shared by every caller,
// read-only: copying the record for each one was a twentieth of a booking.
// Code that saves the settings loads them with collections.LoadSettings
// instead.
func portalSettings(app core.App) (*collections.Settings, error) {
	var loadErr error
	s := settingsCacheOf(app).get(app, func(app core.App) (*collections.Settings, error) {
		s, err := collections.LoadSettings(app)
		if err != nil {
			loadErr = err
		}
		return s, err
	})
	if s == nil {
		return nil, loadErr
	}
	return s, nil
}

func settingsCacheOf(app core.App) *storeCache[*collections.Settings] {
	return cacheOf[*collections.Settings](app, "settings")
}

func refuseSecondSettings(e *core.RecordEvent) error {
	n, err := e.App.CountRecords(collections.PortalSettings)
	if err != nil {
		return err
	}
	if n > 0 {
		return apis.NewBadRequestError("The portal settings already exist: edit the existing record instead of adding one.", nil)
	}
	return e.Next()
}

func refuseSettingsDelete(e *core.RecordEvent) error {
	return apis.NewBadRequestError("The portal settings cannot be deleted: edit them instead.", nil)
}

// validateSettingsLocale accepts an empty locale (the default) or a
// well-formed BCP 47 language tag, stored in its canonical spelling.
func validateSettingsLocale(e *core.RecordEvent) error {
	raw := strings.TrimSpace(e.Record.GetString(collections.FieldLocale))
	if raw == "" {
		return e.Next()
	}
	tag, err := language.Parse(raw)
	if err != nil {
		return validation.Errors{
			collections.FieldLocale: validation.NewError("validation_invalid_locale",
				"Use a language tag such as en-GB, en-AU, en-US or de-DE."),
		}
	}
	e.Record.Set(collections.FieldLocale, tag.String())
	return e.Next()
}

func validateSettingsTimeZone(e *core.RecordEvent) error {
	tz := e.Record.GetString(collections.FieldTimeZone)
	if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
		return validation.Errors{
			collections.FieldTimeZone: validation.NewError("validation_invalid_time_zone",
				"Use an IANA time zone name such as Europe/London or Australia/Melbourne."),
		}
	}
	return e.Next()
}
