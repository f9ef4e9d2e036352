package pb_hooks

import (
	"encoding/json/v2"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Bad input on the portal routes: a clear 400 naming the field, never a
// 500, and nothing written. The routes check their forms field by field
// with the rules below; what only the record's own schema knows (a text or
// JSON size limit) fails the save inside the route's transaction, and
// answerBadInput turns that into the same kind of 400 in one place.

// answerBadInput is the middleware of every /api/portal route: an error that
// carries field validation errors (a record's save refused by its schema or
// a hook) is answered as a 400 with those fields, whatever status the
// handler gave it, because the input and not the server was wrong.
func answerBadInput() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: HookIDPrefix + "routes.badInput",
		Func: func(e *core.RequestEvent) error {
			err := e.Next()
			if fields := fieldErrorsOf(err); fields != nil {
				return apis.NewBadRequestError("Please correct the highlighted fields.", fields)
			}
			return err
		},
	}
}

// fieldErrorsOf finds the validation errors in a failed route's error: in
// the error itself or in the raw error of a 5xx ApiError. A deliberate 4xx
// answer is left alone.
func fieldErrorsOf(err error) validation.Errors {
	if err == nil {
		return nil
	}
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		raw, ok := apiErr.RawData().(error)
		if apiErr.Status < 500 || !ok {
			return nil
		}
		err = raw
	}
	var fields validation.Errors
	if errors.As(err, &fields) && len(fields) > 0 {
		return fields
	}
	return nil
}

// bindForm reads a route's JSON form into dst. A value of the wrong type
// is a 400 naming its field ("staff_count", "resources.0"); a body that is
// not a JSON object is a 400 naming "body".
func bindForm(e *core.RequestEvent, dst any) error {
	err := e.BindBody(dst)
	if err == nil {
		return nil
	}
	var wrongType *json.SemanticError
	if errors.As(err, &wrongType) && wrongType.JSONPointer != "" {
		return apis.NewBadRequestError("Please correct the highlighted fields.", validation.Errors{
			formField(slices.Collect(wrongType.JSONPointer.Tokens())): validation.NewError("validation_invalid_type",
				"This value has the wrong type (text, a number, true/false or a list)."),
		})
	}
	return apis.NewBadRequestError("The form could not be read.", validation.Errors{
		"body": validation.NewError("validation_invalid_json", "Send the form as one JSON object."),
	})
}

// formField names a JSON value by its form field: the top-level name, with
// the line for a list ("resources.0").
func formField(tokens []string) string {
	if len(tokens) > 1 {
		if _, err := strconv.Atoi(tokens[1]); err == nil {
			return tokens[0] + "." + tokens[1]
		}
	}
	if len(tokens) == 0 {
		return "body"
	}
	return tokens[0]
}

// required is validation.Required with the form's wording.
func required(message string) validation.Rule {
	return validation.Required.ErrorObject(validation.NewError("validation_required", message))
}

// inRange requires a whole number between min and max (a zero is "out of
// range", not "missing": the field was sent).
func inRange(min, max int, message string) validation.Rule {
	return validation.By(func(v any) error {
		n, isNil := validation.Indirect(v)
		if i, ok := n.(int); !isNil && (!ok || i < min || i > max) {
			return validation.NewError("validation_out_of_range", message)
		}
		return nil
	})
}

// plainText limits a text to max characters (not bytes) and refuses NUL,
// which no form can type and SQLite and mail clients cut text at.
func plainText(max int) validation.Rule {
	return validation.By(func(v any) error {
		s, _ := v.(string)
		switch {
		case strings.ContainsRune(s, 0):
			return validation.NewError("validation_nul", "Remove the invisible NUL character from this text.")
		case utf8.RuneCountInString(s) > max:
			return validation.NewError("validation_too_long", fmt.Sprintf("Keep this under %d characters.", max))
		}
		return nil
	})
}

// firstError is the first of errs that is not nil.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// nonNil drops the fields without an error; nil when none is left.
func nonNil(errs validation.Errors) validation.Errors {
	for k, err := range errs {
		if err == nil {
			delete(errs, k)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// pick keeps the errors of the named fields; nil when none is left.
func pick(errs validation.Errors, fields ...string) validation.Errors {
	out := validation.Errors{}
	for _, f := range fields {
		if err, ok := errs[f]; ok {
			out[f] = err
		}
	}
	return nonNil(out)
}
