package collections

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// proxy is the constraint every wrapper pointer type satisfies.
type proxy[T any] interface {
	*T
	core.RecordProxy
}

// Wrap returns the typed wrapper of type T around an existing record.
//
// Example usage:
//
//	event := collections.Wrap[collections.Event](record)
func Wrap[T any, P proxy[T]](record *core.Record) P {
	p := P(new(T))
	p.SetProxyRecord(record)
	return p
}

// New returns an unsaved wrapper of type T for the named collection.
func New[T any, P proxy[T]](app core.App, collection string) (P, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, fmt.Errorf("collections: new %s record: %w", collection, err)
	}
	return Wrap[T, P](core.NewRecord(c)), nil
}

// Find loads the record with the given id from the named collection and wraps it.
func Find[T any, P proxy[T]](app core.App, collection, id string) (P, error) {
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		return nil, fmt.Errorf("collections: find %s %q: %w", collection, id, err)
	}
	return Wrap[T, P](r), nil
}
