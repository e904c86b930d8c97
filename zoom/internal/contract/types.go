package contract

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// RequestSchema is the JSON request body schema of an operation, named as
// "METHOD /path" with the patched paths ("POST /scheduler/schedules").
func RequestSchema(doc *openapi3.T, op string) (*openapi3.Schema, error) {
	o, err := operation(doc, op)
	if err != nil {
		return nil, err
	}
	if o.RequestBody == nil || o.RequestBody.Value == nil {
		return nil, fmt.Errorf("%s has no request body", op)
	}
	mt := o.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, fmt.Errorf("%s has no JSON request body", op)
	}
	return mt.Schema.Value, nil
}

// ResponseSchema is the JSON body schema of an operation's answer with
// status.
func ResponseSchema(doc *openapi3.T, op string, status int) (*openapi3.Schema, error) {
	o, err := operation(doc, op)
	if err != nil {
		return nil, err
	}
	r := o.Responses.Status(status)
	if r == nil || r.Value == nil {
		return nil, fmt.Errorf("%s has no %d answer", op, status)
	}
	mt := r.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, fmt.Errorf("%s %d has no JSON body", op, status)
	}
	return mt.Schema.Value, nil
}

func operation(doc *openapi3.T, op string) (*openapi3.Operation, error) {
	method, path, ok := strings.Cut(op, " ")
	item := doc.Paths.Value(path)
	if !ok || item == nil || item.GetOperation(method) == nil {
		return nil, fmt.Errorf("no operation %q in the document", op)
	}
	return item.GetOperation(method), nil
}

// Property is s's schema for a JSON property, looking through allOf.
func Property(s *openapi3.Schema, name string) *openapi3.Schema {
	if p, ok := s.Properties[name]; ok && p.Value != nil {
		return p.Value
	}
	for _, a := range s.AllOf {
		if a.Value != nil {
			if p := Property(a.Value, name); p != nil {
				return p
			}
		}
	}
	return nil
}

// CheckType compares a Go type's JSON encoding with a schema: every field
// the type encodes or decodes must be a property of the schema, with a
// compatible type, recursively. It returns one line per mismatch. Fields
// the schema has and the type lacks are fine: the client ignores them.
func CheckType(s *openapi3.Schema, v any) []string {
	var out []string
	checkType(s, reflect.TypeOf(v), reflect.TypeOf(v).String(), &out, map[reflect.Type]bool{})
	return out
}

func checkType(s *openapi3.Schema, t reflect.Type, at string, out *[]string, busy map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	kind := schemaType(s)
	bad := func(want string) {
		*out = append(*out, fmt.Sprintf("%s: Go %s, document %s", at, want, kind))
	}
	switch t.Kind() {
	case reflect.Struct:
		if kind != "object" && kind != "" {
			bad("object")
			return
		}
		if busy[t] {
			return
		}
		busy[t] = true
		defer delete(busy, t)
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				checkType(s, f.Type, at, out, busy)
				continue
			}
			if name == "" {
				name = f.Name
			}
			p := Property(s, name)
			if p == nil {
				*out = append(*out, fmt.Sprintf("%s.%s: not in the document", at, name))
				continue
			}
			checkType(p, f.Type, at+"."+name, out, busy)
		}
	case reflect.Slice, reflect.Array:
		if kind != "array" {
			bad("array")
			return
		}
		if s.Items != nil && s.Items.Value != nil {
			checkType(s.Items.Value, t.Elem(), at+"[]", out, busy)
		}
	case reflect.String:
		if kind != "string" {
			bad("string")
		}
	case reflect.Bool:
		if kind != "boolean" {
			bad("boolean")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if kind != "integer" && kind != "number" {
			bad("integer")
		}
	case reflect.Float32, reflect.Float64:
		if kind != "number" {
			bad("number")
		}
	}
}

// schemaType is s's single type, looking through allOf; "" when unset.
func schemaType(s *openapi3.Schema) string {
	if s.Type != nil && len(s.Type.Slice()) == 1 {
		return s.Type.Slice()[0]
	}
	for _, a := range s.AllOf {
		if a.Value != nil {
			if k := schemaType(a.Value); k != "" {
				return k
			}
		}
	}
	if len(s.Properties) > 0 {
		return "object"
	}
	return ""
}
