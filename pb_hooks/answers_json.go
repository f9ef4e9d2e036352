package pb_hooks

import (
	"encoding/json/jsontext"
	"encoding/json/v2"

	"github.com/pocketbase/pocketbase/core"
)

// PocketBase's Record.MarshalJSON encodes a record into bytes of its own,
// which encoding/json/v2 then reads through again to check them before it
// copies them into the answer: about half of the JSON work of a page of
// records. The portal's routes encode each record's public export straight
// into the answer instead: the same bytes, read once.

// answerOptions are e.JSON's options, plus records encoded in place.
var answerOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	json.WithMarshalers(json.MarshalToFunc(encodeRecord)),
)

// encodeRecord writes r as Record.MarshalJSON would (its public export, keys
// in order), expanded records included.
func encodeRecord(enc *jsontext.Encoder, r *core.Record) error {
	if r == nil {
		return enc.WriteToken(jsontext.Null)
	}
	return json.MarshalEncode(enc, r.PublicExport(), json.Deterministic(true))
}

// writeJSON answers data as e.JSON does, with its records encoded in place.
// A request that narrows the answer with "fields" goes to e.JSON, whose
// picker does that.
func writeJSON(e *core.RequestEvent, status int, data any) error {
	if e.Request.URL.Query().Has("fields") {
		return e.JSON(status, data)
	}
	if e.Response.Header().Get("Content-Type") == "" {
		e.Response.Header().Set("Content-Type", "application/json")
	}
	e.Response.WriteHeader(status)
	return json.MarshalWrite(e.Response, data, answerOptions)
}

// marshalAnswer is data's JSON as writeJSON writes it, for an answer kept to
// be sent again.
func marshalAnswer(data any) ([]byte, error) {
	return json.Marshal(data, answerOptions)
}
