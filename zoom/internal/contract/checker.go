package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Checker is an http.Handler middleware that validates every /v2 request
// and its response against the document and records each violation.
// Requests are always passed on unchanged, so a test sees every violation
// of a run, not only the first.
type Checker struct {
	router routers.Router

	mu         sync.Mutex
	violations []string
	operations map[string]int // operationId → requests seen
}

// New returns a Checker for a document returned by Load.
func New(doc *openapi3.T) (*Checker, error) {
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &Checker{router: r, operations: map[string]int{}}, nil
}

// Violations returns what was recorded so far.
func (c *Checker) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.violations)
}

// Operations returns how many requests each operation (by operationId) saw.
func (c *Checker) Operations() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.operations))
	for k, v := range c.operations {
		out[k] = v
	}
	return out
}

func (c *Checker) addf(format string, args ...any) {
	c.mu.Lock()
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
	c.mu.Unlock()
}

// Handler wraps next. Only paths under /v2/ are checked: the OAuth token
// endpoint and the emulator's admin endpoints are not in the document.
func (c *Checker) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hasPrefixFold(r.URL.Path, "/v2/") {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			c.addf("%s %s: reading the request body: %v", r.Method, r.URL.Path, err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		in := c.checkRequest(r, body)
		r.Body = io.NopCloser(bytes.NewReader(body))

		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if in != nil {
			c.checkResponse(in, rec)
		}
	})
}

// options are the validation options for requests and responses.
func options() *openapi3filter.Options {
	o := &openapi3filter.Options{
		MultiError:                        true,
		IncludeResponseStatus:             true,
		RejectWhenRequestBodyNotSpecified: true,
		AuthenticationFunc:                authenticate,
	}
	// One line per finding: where in the body, and why; not the schema.
	o.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		return "/" + strings.Join(err.JSONPointer(), "/") + ": " + err.Reason
	})
	return o
}

// authenticate accepts the document's security requirement (OAuth scopes
// and a bearer token, both satisfied by one Server-to-Server token) when the
// request carries a bearer token. Scopes cannot be seen in the request.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		return errors.New("no bearer token in Authorization")
	}
	return nil
}

// checkRequest validates method, path, query and body; it returns the input
// for the response check, or nil when no operation matches.
func (c *Checker) checkRequest(r *http.Request, body []byte) *openapi3filter.RequestValidationInput {
	where := r.Method + " " + r.URL.Path
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		c.addf("%s: no operation in the document: %v", where, err)
		return nil
	}
	c.mu.Lock()
	c.operations[route.Operation.OperationID]++
	c.mu.Unlock()

	// kin-openapi ignores query parameters the operation does not list.
	known := map[string]bool{}
	for _, p := range route.Operation.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
			known[p.Value.Name] = true
		}
	}
	for _, p := range route.PathItem.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
			known[p.Value.Name] = true
		}
	}
	for name := range r.URL.Query() {
		if !known[name] {
			c.addf("%s: query parameter %q is not in the document", where, name)
		}
	}
	if len(body) == 0 && route.Operation.RequestBody != nil {
		c.addf("%s: no request body", where)
	}

	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: options()}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		for _, e := range flatten(err) {
			c.addf("%s: request: %s", where, e)
		}
	}
	return in
}

// checkResponse validates status, headers the document lists and body.
func (c *Checker) checkResponse(in *openapi3filter.RequestValidationInput, rec *recorder) {
	where := in.Request.Method + " " + in.Request.URL.Path
	if rec.status == http.StatusNoContent && rec.body.Len() > 0 {
		c.addf("%s: response: 204 with a body", where)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 rec.status,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		Options:                options(),
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		for _, e := range flatten(err) {
			c.addf("%s: response %d: %s", where, rec.status, e)
		}
	}
}

// flatten lists the messages of a MultiError, one line each.
func flatten(err error) []string {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []string
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []string{strings.Join(strings.Fields(err.Error()), " ")}
}

// recorder passes a response through and keeps a copy of its status and
// body.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
