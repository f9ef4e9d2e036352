package pb_hooks

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/crewportal/crewportal/collections"
)

// The price lists and their rates, which every estimate and booking reads,
// are kept in memory until one changes (an admin edits them a few times a
// year). Finding them with PocketBase's filter (parsed afresh on every call)
// was a tenth of a booking's CPU.

func (p *plugin) bindPriceCaches() {
	p.forgetOnChange(func(app core.App) changeAware { return priceListsOf(app) }, collections.PriceLists)
	p.forgetOnChange(func(app core.App) changeAware { return ratesOf(app) }, collections.Rates)
}

// priceLists are every price list's name and currency by id, and which one
// is the basic list.
type priceLists struct {
	byID  map[string]priceList
	basic string
}

type priceList struct{ name, currency string }

func priceListsOf(app core.App) *storeCache[*priceLists] {
	return cacheOf[*priceLists](app, "priceLists")
}

// ratesOf is the cache of the hourly rates by price list and profession,
// filled as they are asked for.
func ratesOf(app core.App) *storeCache[*keyedValues] {
	return cacheOf[*keyedValues](app, "rates")
}

// loadPriceLists reads every price list; of several marked basic, the first
// stored is the basic one.
func loadPriceLists(app core.App) (*priceLists, error) {
	var rows []struct {
		ID       string `db:"id"`
		Name     string `db:"name"`
		Currency string `db:"currency"`
		IsBasic  bool   `db:"is_basic"`
	}
	if err := app.DB().Select(collections.FieldID, collections.FieldName, collections.FieldCurrency, collections.FieldIsBasic).
		From(collections.PriceLists).OrderBy("rowid").All(&rows); err != nil {
		return nil, err
	}
	lists := &priceLists{byID: make(map[string]priceList, len(rows))}
	for _, r := range rows {
		lists.byID[r.ID] = priceList{name: r.Name, currency: r.Currency}
		if r.IsBasic && lists.basic == "" {
			lists.basic = r.ID
		}
	}
	return lists, nil
}

// cachedPriceLists returns the price lists, shared read-only.
func cachedPriceLists(app core.App) (*priceLists, error) {
	var loadErr error
	lists := priceListsOf(app).get(app, func(app core.App) (*priceLists, error) {
		lists, err := loadPriceLists(app)
		loadErr = err
		return lists, err
	})
	return lists, loadErr
}

// hourlyRate is the rate of a profession on a price list; found is false
// when the list does not price it.
type hourlyRate struct {
	cents int64
	found bool
}

// cachedRate returns the profession's rate on the list.
func cachedRate(app core.App, listID, professionID string) (hourlyRate, error) {
	return keyedValue(app, ratesOf(app), listID+"/"+professionID, func(app core.App) (hourlyRate, error) {
		var cents int64
		err := app.DB().Select(collections.FieldHourlyRate).From(collections.Rates).
			Where(dbx.HashExp{collections.FieldPriceList: listID, collections.FieldProfession: professionID}).
			OrderBy("rowid").Limit(1).Row(&cents)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return hourlyRate{}, nil
		case err != nil:
			return hourlyRate{}, err
		}
		return hourlyRate{cents: cents, found: true}, nil
	})
}
