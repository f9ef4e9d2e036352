package pb_hooks

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/crewportal/crewportal/collections"
)

// companyDetails are the client fields a contact with "edit company details"
// may change (spec A5), with the words the admins' email uses for them. The
// company name, group, price list and portal switch stay with the agency.
var companyDetails = []fieldLabel{
	{collections.FieldPhone, "Phone"}, {collections.FieldAddress, "Address"}, {collections.FieldCity, "City"},
	{collections.FieldPostcode, "Postcode"}, {collections.FieldCountry, "Country"},
	{collections.FieldBillingEmail, "Billing email"}, {collections.FieldBillingAddress, "Billing address"},
	{collections.FieldVATID, "VAT id"},
}

func (p *plugin) bindClientHooks() {
	p.forgetOnChange(func(app core.App) changeAware { return clientRecordsOf(app) }, collections.Clients)
	p.app.OnRecordUpdateRequest(collections.Clients).Bind(&hook.Handler[*core.RecordRequestEvent]{
		Id:   HookIDPrefix + "clients.companyDetails",
		Func: updateCompanyDetails,
	})
}

// updateCompanyDetails accepts only the company details from a contact and
// emails the group's admins the old and new values with the change.
func updateCompanyDetails(e *core.RecordRequestEvent) error {
	if !isContactAuth(e) {
		return e.Next()
	}
	allowed := make([]string, len(companyDetails))
	for i, l := range companyDetails {
		allowed[i] = l.field
	}
	if err := onlyFields(e, allowed, "Only the agency can change this."); err != nil {
		return err
	}
	changes := describeChanges(e.App, e.Record, companyDetails)
	if len(changes) == 0 {
		return e.Next()
	}
	return SaveAndNotify(e, func(tx core.App) error {
		return Notify(tx, NotifyCompanyDetailsChanged, e.Record, Values{
			"contact_name": e.Auth.GetString(collections.FieldName),
			"changes":      strings.Join(changes, "\n"),
		})
	})
}

// clientRecordsOf is the cache of the client records by id, filled as they
// are asked for and forgotten when any client changes: a booking read its
// client four times (the price, the emails' values, the group), and every
// home page and sign-in reads it once.
func clientRecordsOf(app core.App) *storeCache[*keyedValues] {
	return cacheOf[*keyedValues](app, "clientRecords")
}

// clientRecord returns the client, a copy shared by every caller and
// read-only: code that changes a client loads it itself.
func clientRecord(app core.App, id string) (*core.Record, error) {
	return keyedValue(app, clientRecordsOf(app), id, func(app core.App) (*core.Record, error) {
		r, err := app.FindRecordById(collections.Clients, id)
		if err != nil {
			return nil, fmt.Errorf("client %q: %w", id, err)
		}
		return r, nil
	})
}
