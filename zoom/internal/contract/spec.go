// Package contract checks HTTP traffic against Zoom's published Scheduler
// OpenAPI document (zoom/testdata/zoom-scheduler-openapi.json), after its
// known defects are patched here in one place. The patches, the allow-list
// and their sources are listed in docs/zoom-api.md ("Spec patches and the
// allow-list").
package contract

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Load reads the OpenAPI document at path, applies Patch and AllowList,
// makes every object schema that lists properties reject other properties,
// and validates the result.
func Load(path string) (*openapi3.T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("contract: loading %s: %w", path, err)
	}
	if err := Patch(doc); err != nil {
		return nil, fmt.Errorf("contract: patching %s: %w", path, err)
	}
	if err := allow(doc); err != nil {
		return nil, fmt.Errorf("contract: allow-list: %w", err)
	}
	Strict(doc)
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("contract: patched document is not valid: %w", err)
	}
	return doc, nil
}

// Patch corrects the published document where it is known to be wrong or
// behind Zoom's documentation. Every patch names its evidence; each is
// listed in docs/zoom-api.md ("Spec patches and the allow-list").
func Patch(doc *openapi3.T) error {
	sch := doc.Components.Schemas
	need := func(name string) (*openapi3.Schema, error) {
		ref, ok := sch[name]
		if !ok || ref.Value == nil {
			return nil, fmt.Errorf("schema %s is missing: the document changed, review the patches", name)
		}
		return ref.Value, nil
	}

	// 1. Base path. The document's one server is
	// https://api.zoom.us/v2/scheduler; tests serve on loopback, and the
	// Users API (patch 4) lives under /v2 beside /v2/scheduler. Serve the
	// document from the host-relative /v2 with every path under /scheduler.
	paths := openapi3.NewPaths()
	for p, item := range doc.Paths.Map() {
		paths.Set("/scheduler"+p, item)
	}
	doc.Paths = paths
	doc.Servers = openapi3.Servers{{URL: "/v2"}}

	// 2. The create body's required list names start, end and type, which
	// are not properties of the body (the dates are start_date and
	// end_date, the type is schedule_type); a body can never satisfy it.
	create, err := need("SchedulerSchedulesBody")
	if err != nil {
		return err
	}
	create.Required = without(create.Required, "start", "end", "type")
	for _, r := range create.Required {
		if _, ok := create.Properties[r]; !ok {
			return fmt.Errorf("SchedulerSchedulesBody still requires %q, which is not a property", r)
		}
	}

	// 3. The changelog of 2026-11-16 adds created_via, slug and
	// assigned_from_template to the items of GET /scheduler/schedules
	// (https://developers.zoom.us/changelog/scheduler/november-16-2026/).
	// slug was already there. The changelog gives no type for
	// assigned_from_template and nothing reads it, so it is left out: an
	// emulator that sends it fails until its type is known.
	item, err := need("InlineResponse2005Items")
	if err != nil {
		return err
	}
	item.Properties["created_via"] = openapi3.NewStringSchema().NewRef()
	// The notes say list items carry the same fields as GET, so the single
	// page answers of GET and POST are taken to carry created_via too
	// (inferred; docs/zoom-api.md#endpoints).
	for _, name := range []string{"InlineResponse2006", "InlineResponse2011"} {
		s, err := need(name)
		if err != nil {
			return err
		}
		s.Properties["created_via"] = openapi3.NewStringSchema().NewRef()
	}

	// 4. GET /v2/users (Zoom's Users API, scope user:read:admin, rate-limit
	// label MEDIUM) is not part of the Scheduler document. The operation
	// below holds the query parameters and the fields zoomsync uses, as
	// Zoom documents them; user objects carry more fields than these.
	doc.Paths.Set("/users", usersPath())

	// 5. The analytics report's examples do not fit its schema: the count
	// objects' examples are strings such as
	// `"last_n_days":{{"created_scheduled_events":65},...}` with other key
	// names than the properties (created_scheduled_events for
	// scheduled_events_created), and the arrays' examples are objects. The
	// schema is the contract; the examples go.
	report, err := need("InlineResponse200")
	if err != nil {
		return err
	}
	for _, p := range report.Properties {
		if p.Value != nil {
			p.Value.Example = nil
			if p.Value.Items != nil && p.Value.Items.Value != nil {
				p.Value.Items.Value.Example = nil
			}
		}
	}
	for _, name := range []string{"InlineResponse200LastNDays", "InlineResponse200PreviousPeriod"} {
		s, err := need(name)
		if err != nil {
			return err
		}
		s.Example = nil
	}

	// 6. The security scheme openapi_oauth has an authorizationCode flow
	// with authorizationUrl "/" and an empty tokenUrl, which OpenAPI does
	// not allow. zoomsync uses Server-to-Server OAuth: the client
	// credentials flow at https://zoom.us/oauth/token (docs/zoom-api.md,
	// "Auth"); the scopes stay as listed.
	scheme, ok := doc.Components.SecuritySchemes["openapi_oauth"]
	if !ok || scheme.Value == nil || scheme.Value.Flows == nil || scheme.Value.Flows.AuthorizationCode == nil {
		return fmt.Errorf("security scheme openapi_oauth changed: review the patches")
	}
	flow := scheme.Value.Flows.AuthorizationCode
	scheme.Value.Flows = &openapi3.OAuthFlows{ClientCredentials: &openapi3.OAuthFlow{
		TokenURL: "https://zoom.us/oauth/token",
		Scopes:   flow.Scopes,
	}}

	ops := operations(doc)

	// 7. Statuses the document leaves out, each with its evidence:
	//  - 403 {"code":403,"message":"User Not Found"} for a user_id (or
	//    userId) without a Scheduler profile: observed by users;
	//  - 404 on DELETE of an unknown page: inferred, as GET and PATCH list
	//    404 for it while DELETE lists only 400 and 409 (zoomsync treats a
	//    404 on DELETE as "already gone");
	//  - 502, 503 and 504 on every operation: inferred, from the proxies in
	//    front of any HTTP API; the client retries them like 500.
	for key, op := range ops {
		if takesUser(op) {
			addStatus(op, 403)
		}
		if key == "DELETE /scheduler/schedules/{scheduleId}" {
			addStatus(op, 404)
		}
		for _, code := range []int{502, 503, 504} {
			addStatus(op, code)
		}
	}

	// 8. Error bodies. The document gives none; Zoom documents
	// {"code":N,"message":"...","errors":[{"field","message"}]} and users
	// observe {"error":{"message":"...","errors":[...]}} from Scheduler
	// endpoints. Every error answer must take one of the two shapes.
	for _, op := range ops {
		for code, r := range op.Responses.Map() {
			if code[0] >= '4' && r.Value != nil && len(r.Value.Content) == 0 {
				r.Value.Content = openapi3.NewContentWithJSONSchema(errorBody())
			}
		}
	}

	// 9. Rate-limit headers. Zoom's rate-limit page documents
	// X-RateLimit-Category, X-RateLimit-Type (QPS or Daily-limit),
	// X-RateLimit-Limit, X-RateLimit-Remaining and Retry-After (seconds, or
	// a date for a daily limit) on limited answers. Users observed a 429
	// with only the category, limit and remaining count
	// (https://devforum.zoom.us/t/18928), so only the category is required.
	for _, op := range ops {
		r := op.Responses.Status(429)
		if r == nil || r.Value == nil {
			continue
		}
		r.Value.Headers = openapi3.Headers{
			"X-RateLimit-Category":  header(openapi3.NewStringSchema(), true),
			"X-RateLimit-Type":      header(openapi3.NewStringSchema().WithEnum("QPS", "Daily-limit"), false),
			"X-RateLimit-Limit":     header(openapi3.NewIntegerSchema(), false),
			"X-RateLimit-Remaining": header(openapi3.NewIntegerSchema(), false),
			"Retry-After":           header(openapi3.NewStringSchema(), false),
		}
	}

	return nil
}

// operations maps "METHOD path" to every operation of the document.
func operations(doc *openapi3.T) map[string]*openapi3.Operation {
	out := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[method+" "+path] = op
		}
	}
	return out
}

func takesUser(op *openapi3.Operation) bool {
	for _, p := range op.Parameters {
		if p.Value != nil && (p.Value.Name == "user_id" || p.Value.Name == "userId") {
			return true
		}
	}
	return false
}

func addStatus(op *openapi3.Operation, code int) {
	if op.Responses.Status(code) == nil {
		op.AddResponse(code, openapi3.NewResponse().WithDescription("added by contract.Patch"))
	}
}

func header(s *openapi3.Schema, required bool) *openapi3.HeaderRef {
	return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Schema: s.NewRef(), Required: required,
	}}}
}

// errorBody is either error shape Zoom answers with.
func errorBody() *openapi3.Schema {
	fieldErrors := openapi3.NewArraySchema().WithItems(openapi3.NewObjectSchema().WithProperties(map[string]*openapi3.Schema{
		"field":   openapi3.NewStringSchema(),
		"message": openapi3.NewStringSchema(),
	}))
	code := openapi3.NewObjectSchema().WithProperties(map[string]*openapi3.Schema{
		"code":    openapi3.NewIntegerSchema(),
		"message": openapi3.NewStringSchema(),
		"errors":  fieldErrors,
	})
	code.Required = []string{"code", "message"}
	inner := openapi3.NewObjectSchema().WithProperties(map[string]*openapi3.Schema{
		"message": openapi3.NewStringSchema(),
		"errors":  fieldErrors,
	})
	inner.Required = []string{"message"}
	scheduler := openapi3.NewObjectSchema().WithProperty("error", inner)
	scheduler.Required = []string{"error"}
	return openapi3.NewOneOfSchema(code, scheduler)
}

// usersPath is GET /users as Zoom's Users API documents it (the subset in
// docs/zoom-api.md, "Users").
func usersPath() *openapi3.PathItem {
	user := openapi3.NewObjectSchema().WithProperties(map[string]*openapi3.Schema{
		"id":           openapi3.NewStringSchema(),
		"email":        openapi3.NewStringSchema(),
		"first_name":   openapi3.NewStringSchema(),
		"last_name":    openapi3.NewStringSchema(),
		"display_name": openapi3.NewStringSchema(),
		"type":         openapi3.NewIntegerSchema(),
		"status":       openapi3.NewStringSchema().WithEnum("active", "inactive", "pending"),
		"timezone":     openapi3.NewStringSchema(),
		"dept":         openapi3.NewStringSchema(),
		"role_id":      openapi3.NewStringSchema(),
		"created_at":   openapi3.NewStringSchema(),
	})
	body := openapi3.NewObjectSchema().WithProperties(map[string]*openapi3.Schema{
		"next_page_token": openapi3.NewStringSchema(),
		"page_count":      openapi3.NewIntegerSchema(),
		"page_number":     openapi3.NewIntegerSchema(),
		"page_size":       openapi3.NewIntegerSchema(),
		"total_records":   openapi3.NewIntegerSchema(),
		"users":           openapi3.NewArraySchema().WithItems(user),
	})
	query := func(name string, s *openapi3.Schema) *openapi3.ParameterRef {
		return &openapi3.ParameterRef{Value: openapi3.NewQueryParameter(name).WithSchema(s)}
	}
	op := openapi3.NewOperation()
	op.OperationID = "users"
	op.Parameters = openapi3.Parameters{
		query("status", openapi3.NewStringSchema().WithEnum("active", "inactive", "pending")),
		query("page_size", openapi3.NewIntegerSchema().WithMin(1).WithMax(300)),
		query("next_page_token", openapi3.NewStringSchema()),
		query("page_number", openapi3.NewIntegerSchema().WithMin(1)),
		query("role_id", openapi3.NewStringSchema()),
	}
	op.AddResponse(200, openapi3.NewResponse().WithDescription("users").WithJSONSchema(body))
	for _, code := range []int{400, 401, 404, 429, 500} {
		op.AddResponse(code, openapi3.NewResponse().WithDescription("error"))
	}
	op.Security = &openapi3.SecurityRequirements{{"bearer_token": {}}}
	return &openapi3.PathItem{Get: op}
}

func without(list []string, drop ...string) []string {
	var out []string
	for _, s := range list {
		if !contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Allowed is a request field zoomsync sends on purpose although the
// document lacks it.
type Allowed struct {
	Schema   string // component schema of the request body
	Field    string
	Evidence string
}

// poolEvidence is where the web app's pool fields come from.
const poolEvidence = "observed: the Zoom web app sends it for an All Hosts Available page; " +
	"the API accepts it on POST and ignores it (docs/zoom-api.md, \"Multi-host pages\")"

// AllowList is every request field outside the document that a test may
// see. Any other unknown field is a violation.
var AllowList = []Allowed{
	{"SchedulerSchedulesBody", "pooling_type", poolEvidence},
	{"SchedulerSchedulesBody", "user_pools", poolEvidence},
	{"SchedulerSchedulesBody", "attendees", poolEvidence},
	{"SchedulesscheduleIdBody", "pooling_type", poolEvidence},
	{"SchedulesscheduleIdBody", "user_pools", poolEvidence},
	{"SchedulesscheduleIdBody", "attendees", poolEvidence},
}

// allowedField is the shape each allowed field may take, as the web app
// sends it (the forum post quoted in docs/zoom-api.md).
func allowedField(name string) *openapi3.Schema {
	switch name {
	case "pooling_type":
		return openapi3.NewStringSchema()
	case "user_pools":
		return openapi3.NewArraySchema().WithItems(openapi3.NewObjectSchema().WithProperties(map[string]*openapi3.Schema{
			"pooling_type":   openapi3.NewStringSchema(),
			"selected_users": openapi3.NewArraySchema().WithItems(openapi3.NewStringSchema()),
		}))
	case "attendees":
		return openapi3.NewArraySchema().WithItems(openapi3.NewObjectSchema().WithProperties(map[string]*openapi3.Schema{
			"email": openapi3.NewStringSchema(),
			"host":  openapi3.NewBoolSchema(),
		}))
	}
	return nil
}

func allow(doc *openapi3.T) error {
	for _, a := range AllowList {
		ref, ok := doc.Components.Schemas[a.Schema]
		if !ok || ref.Value == nil {
			return fmt.Errorf("schema %s is missing", a.Schema)
		}
		if _, dup := ref.Value.Properties[a.Field]; dup {
			return fmt.Errorf("%s.%s is in the document now: drop it from the allow-list", a.Schema, a.Field)
		}
		s := allowedField(a.Field)
		if s == nil {
			return fmt.Errorf("no shape for allowed field %s", a.Field)
		}
		ref.Value.Properties[a.Field] = s.NewRef()
	}
	return nil
}

// Strict makes every object schema with listed properties, reachable from a
// request body or a response, reject properties it does not list. The
// document never sets additionalProperties, so without this any misspelt
// field would pass.
func Strict(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			no := false
			s.AdditionalProperties.Has = &no
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, r := range list {
				walk(r)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				for _, mt := range rb.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, r := range op.Responses.Map() {
				if r.Value == nil {
					continue
				}
				for _, mt := range r.Value.Content {
					walk(mt.Schema)
				}
			}
		}
	}
}

// hasPrefixFold is strings.HasPrefix, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
