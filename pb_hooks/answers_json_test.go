package pb_hooks

import (
	"bytes"
	"encoding/json/jsontext"
	"encoding/json/v2"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// TestAnswersEncodeRecordsAsPocketBase checks that an answer with records
// in it (a record, a nil one, a list, an expand, hidden and custom fields,
// odd text) has exactly the bytes PocketBase's own encoding gives it.
func TestAnswersEncodeRecordsAsPocketBase(t *testing.T) {
	t.Parallel()
	c := core.NewBaseCollection("things")
	c.Fields.Add(&core.TextField{Name: "name"}, &core.TextField{Name: "secret", Hidden: true},
		&core.NumberField{Name: "n"}, &core.JSONField{Name: "data"})
	record := func(name string) *core.Record {
		r := core.NewRecord(c)
		r.Id = "id" + name
		r.Set("name", name)
		r.Set("secret", "hidden "+name)
		r.Set("n", 12.5)
		r.Set("data", map[string]any{"b": 1, "a": []any{"x", nil}})
		return r
	}
	a, b := record("a <&> \u2028 é"), record("b")
	b.Unhide("secret")
	b.WithCustomData(true)
	b.Set("summary", []string{"one", "two"})
	a.SetExpand(map[string]any{"one": b, "many": []*core.Record{b, record("c")}})
	var none *core.Record
	// A struct, not a map: e.JSON writes a map's keys in no fixed order.
	answer := struct {
		Items []*core.Record `json:"items"`
		Item  *core.Record   `json:"item"`
		None  *core.Record   `json:"none"`
		Any   any            `json:"any"`
		Page  int            `json:"page"`
	}{[]*core.Record{a, b}, a, none, []any{b, map[string]*core.Record{"x": b}}, 1}

	want, err := json.Marshal(answer, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if err != nil {
		t.Fatal(err)
	}
	got, err := marshalAnswer(answer)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the answer's bytes differ from PocketBase's:\n got %s\nwant %s", got, want)
	}
	if bytes.Contains(got, []byte("hidden a")) || !bytes.Contains(got, []byte("hidden b")) {
		t.Errorf("hidden fields: %s", got)
	}
}
