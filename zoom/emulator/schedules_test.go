package emulator

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var idPattern = regexp.MustCompile(`^[a-z0-9]{26}$`)

const multiHostBody = `{
	"summary": "Team Alpha",
	"duration": 45,
	"schedule_type": "multiple",
	"availability_override": true,
	"availability_rules": [
		{"email": "Owner@Example.com", "use_custom": true, "time_zone": "America/New_York",
		 "segments_recurrence": {"mon": [{"start": "9:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}], "fri": [{"start": "09:00", "end": "24:00"}]}},
		{"email": "bob@example.com", "use_custom": true,
		 "segments_recurrence": {"mon": [{"start": "09:00", "end": "17:00"}]}}
	],
	"pooling_type": "multiPool",
	"user_pools": [{"pooling_type": "collective", "selected_users": ["owner@example.com", "bob@example.com"]}],
	"attendees": [{"email": "owner@example.com", "host": true}, {"email": "bob@example.com", "host": true}]
}`

func TestCreateCollective(t *testing.T) {
	e := setup(t, nil)
	r := e.do("POST", "/v2/scheduler/schedules?user_id=Owner@Example.com", multiHostBody)
	if r.status != 201 {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	got := r.json()
	id, _ := got["schedule_id"].(string)
	if !idPattern.MatchString(id) {
		t.Errorf("schedule_id %q is not 26 lowercase alphanumerics", id)
	}
	want := `{
		"schedule_id": "` + id + `",
		"summary": "Team Alpha",
		"duration": 45,
		"start_time_increment": 30,
		"capacity": 1,
		"booking_limit": 0,
		"cushion": 0,
		"buffer": {"before": 0, "after": 0},
		"slug": "team-alpha",
		"schedule_type": "multiple",
		"add_on_type": "zoomMeeting",
		"interval_type": "unlimited",
		"availability_override": true,
		"availability_rules": [
			{"email": "owner@example.com", "use_custom": true, "time_zone": "America/New_York",
			 "segments_recurrence": {"mon": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}], "fri": [{"start": "09:00", "end": "24:00"}]}},
			{"email": "bob@example.com", "use_custom": true, "time_zone": "America/New_York",
			 "segments_recurrence": {"mon": [{"start": "09:00", "end": "17:00"}]}}
		],
		"time_zone": "America/New_York",
		"active": true,
		"secret": false,
		"status": "confirmed",
		"scheduling_url": "https://scheduler.zoom.us/owner/team-alpha",
		"creator": {"self": true, "display_name": "Owner", "email": "owner@example.com"},
		"organizer": {"self": true, "display_name": "Owner", "email": "owner@example.com"},
		"updated": "2026-11-23T10:00:00.123Z",
		"created_via": "api"
	}`
	wantJSON(t, r.body, want)
	for _, k := range []string{"pooling_type", "user_pools", "attendees"} {
		if _, ok := got[k]; ok {
			t.Errorf("response has %s", k)
		}
	}

	// GET by id and by slug return the same body, which is json.Marshal(Page).
	for _, ref := range []string{id, "team-alpha", "TEAM-Alpha"} {
		g := e.do("GET", "/v2/scheduler/schedules/"+ref+"?user_id=owner@example.com", "")
		if g.status != 200 {
			t.Fatalf("GET %s: %d %s", ref, g.status, g.body)
		}
		wantJSON(t, g.body, want)
	}
	pages := e.emu.Pages("owner@example.com", false)
	if len(pages) != 1 || pages[0].Owner != "owner@example.com" {
		t.Fatalf("Pages: %+v", pages)
	}
	m, _ := json.Marshal(pages[0])
	g := e.do("GET", "/v2/scheduler/schedules/"+id+"?user_id=owner@example.com", "")
	if string(m) != string(g.body) {
		t.Errorf("json.Marshal(Page) = %s\nGET = %s", m, g.body)
	}
}

func TestCreateDefaults(t *testing.T) {
	e := setup(t, nil)
	// No user_id: the admin owns it; a rule without email or time_zone is
	// the owner's, in the default time zone.
	r := e.do("POST", "/v2/scheduler/schedules", `{"summary":"Hi! Ünïcode  & co","availability_override":true,
		"availability_rules":[{"segments_recurrence":{"tue":[{"start":"10:00","end":"11:00"}]}}]}`)
	if r.status != 201 {
		t.Fatalf("status %d %s", r.status, r.body)
	}
	got := r.json()
	for k, want := range map[string]any{
		"duration": 30.0, "start_time_increment": 30.0, "capacity": 1.0, "booking_limit": 0.0, "cushion": 0.0,
		"schedule_type": "one", "add_on_type": "zoomMeeting", "interval_type": "unlimited",
		"active": true, "secret": false, "status": "confirmed", "time_zone": "America/Los_Angeles",
		"slug": "hi-n-code-co", "scheduling_url": "https://scheduler.zoom.us/admin/hi-n-code-co",
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	rules := got["availability_rules"].([]any)
	rule := rules[0].(map[string]any)
	if rule["email"] != "admin@example.com" || rule["time_zone"] != "America/Los_Angeles" {
		t.Errorf("rule %v", rule)
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000Z", got["updated"].(string)); err != nil {
		t.Errorf("updated %q: %v", got["updated"], err)
	}
	// Generated slugs are unique per owner.
	r = e.do("POST", "/v2/scheduler/schedules", `{"summary":"Hi! Ünïcode  & co","availability_override":true,
		"availability_rules":[{"segments_recurrence":{}}]}`)
	if s := r.json()["slug"]; s != "hi-n-code-co-2" {
		t.Errorf("second generated slug %v", s)
	}
	r = e.do("POST", "/v2/scheduler/schedules", `{"summary":"!","availability_override":true,
		"availability_rules":[{"segments_recurrence":{}}]}`)
	if s := r.json()["slug"]; s != "page" {
		t.Errorf("slug from punctuation %v", s)
	}
	// Page time zone given: rules without one take it.
	r = e.do("POST", "/v2/scheduler/schedules", `{"summary":"Z","time_zone":"Europe/Paris","availability_override":true,
		"availability_rules":[{"segments_recurrence":{}}]}`)
	if rule := r.json()["availability_rules"].([]any)[0].(map[string]any); rule["time_zone"] != "Europe/Paris" {
		t.Errorf("rule time zone %v", rule["time_zone"])
	}
}

func TestGetOtherOwnerAndUnknown(t *testing.T) {
	e := setup(t, nil)
	p := e.create("alice@example.com", pageBody("Sales", []string{"alice@example.com"}, ""))
	id := p["schedule_id"].(string)
	notFound := `{"error":{"message":"Schedule not found."}}`
	for _, path := range []string{
		"/v2/scheduler/schedules/" + id + "?user_id=bob@example.com",
		"/v2/scheduler/schedules/sales?user_id=bob@example.com",
		"/v2/scheduler/schedules/" + id, // the admin
		"/v2/scheduler/schedules/nosuchpage?user_id=alice@example.com",
	} {
		r := e.do("GET", path, "")
		if r.status != 404 {
			t.Errorf("GET %s: %d", path, r.status)
		}
		wantJSON(t, r.body, notFound)
	}
	for _, m := range []string{"PATCH", "DELETE"} {
		r := e.do(m, "/v2/scheduler/schedules/"+id+"?user_id=bob@example.com", `{"summary":"x"}`)
		if r.status != 404 {
			t.Errorf("%s of another user's page: %d", m, r.status)
		}
	}
	if got := e.emu.Pages("alice@example.com", false)[0].Summary; got != "Sales" {
		t.Errorf("page changed by another user: %q", got)
	}
}

func TestPatch(t *testing.T) {
	e := setup(t, nil)
	p := e.create("alice@example.com", pageBody("Sales", []string{"alice@example.com", "bob@example.com"},
		`,"buffer":{"before":5,"after":10},"description":"first","location":"Room 1"`))
	id := p["schedule_id"].(string)
	path := "/v2/scheduler/schedules/" + id + "?user_id=alice@example.com"
	before := e.do("GET", path, "").json()

	e.clock.Advance(90 * time.Second)
	r := e.do("PATCH", path, `{"summary":"Sales EMEA","buffer":{"after":20},"schedule_type":"one","unknown_field":1,"description":null}`)
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("PATCH: %d %q", r.status, r.body)
	}
	after := e.do("GET", path, "").json()
	want := map[string]any{}
	for k, v := range before {
		want[k] = v
	}
	want["summary"] = "Sales EMEA"
	want["buffer"] = map[string]any{"before": 5.0, "after": 20.0}
	want["updated"] = "2026-11-23T10:01:30.123Z"
	if diff := cmp.Diff(want, after); diff != "" {
		t.Errorf("after PATCH (-want +got):\n%s", diff)
	}

	// Replacing rules wholesale, changing the slug.
	r = e.do("PATCH", path, `{"slug":"emea","availability_rules":[{"email":"carol@example.com","segments_recurrence":{"wed":[{"start":"08:00","end":"09:30"}]}}]}`)
	if r.status != 204 {
		t.Fatalf("PATCH rules: %d %s", r.status, r.body)
	}
	after = e.do("GET", "/v2/scheduler/schedules/emea?user_id=alice@example.com", "").json()
	wantRules := []any{map[string]any{"email": "carol@example.com", "use_custom": false, "time_zone": "America/New_York",
		"segments_recurrence": map[string]any{"wed": []any{map[string]any{"start": "08:00", "end": "09:30"}}}}}
	if diff := cmp.Diff(wantRules, after["availability_rules"]); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if after["scheduling_url"] != "https://scheduler.zoom.us/alice/emea" || after["schedule_type"] != "multiple" {
		t.Errorf("after slug change: %v %v", after["scheduling_url"], after["schedule_type"])
	}

	// Validation applies to PATCH, with all errors at once; nothing changes.
	r = e.do("PATCH", path, `{"duration":5,"capacity":500,"summary":""}`)
	if r.status != 400 {
		t.Fatalf("invalid PATCH: %d", r.status)
	}
	wantFields(t, r, "summary", "duration", "capacity")
	if got := e.do("GET", path, "").json()["summary"]; got != "Sales EMEA" {
		t.Errorf("summary after rejected PATCH: %v", got)
	}
	// Slug taken by another page of the owner.
	e.create("alice@example.com", pageBody("Support", []string{"alice@example.com"}, ""))
	r = e.do("PATCH", path, `{"slug":"SUPPORT"}`)
	wantFields(t, r, "slug")
	// PATCH of an unknown page.
	if r := e.do("PATCH", "/v2/scheduler/schedules/nope?user_id=alice@example.com", `{}`); r.status != 404 {
		t.Errorf("PATCH unknown: %d", r.status)
	}
	// status cancelled is a delete.
	if r := e.do("PATCH", path, `{"status":"cancelled"}`); r.status != 204 {
		t.Fatalf("PATCH status: %d %s", r.status, r.body)
	}
	if r := e.do("GET", path, ""); r.status != 404 {
		t.Errorf("GET after cancel by PATCH: %d", r.status)
	}
}

func TestDeleteAndShowDeleted(t *testing.T) {
	e := setup(t, nil)
	p := e.create("alice@example.com", pageBody("Sales", []string{"alice@example.com"}, `,"slug":"sales"`))
	id := p["schedule_id"].(string)
	e.create("alice@example.com", pageBody("Other", []string{"alice@example.com"}, ""))
	path := "/v2/scheduler/schedules/" + id + "?user_id=alice@example.com"

	e.clock.Advance(time.Second)
	r := e.do("DELETE", path, "")
	if r.status != 204 || len(r.body) != 0 {
		t.Fatalf("DELETE: %d %q", r.status, r.body)
	}
	for _, m := range []string{"GET", "DELETE", "PATCH"} {
		r := e.do(m, path, `{}`)
		if r.status != 404 {
			t.Errorf("%s after delete: %d", m, r.status)
		}
		wantJSON(t, r.body, `{"error":{"message":"Schedule not found."}}`)
	}
	g := e.do("GET", path+"&show_deleted=true", "")
	if g.status != 200 || g.json()["status"] != "cancelled" || g.json()["updated"] != "2026-11-23T10:00:01.123Z" {
		t.Errorf("GET show_deleted: %d %s", g.status, g.body)
	}

	list := func(q string) []string {
		var l struct {
			Items []struct {
				Slug   string `json:"slug"`
				Status string `json:"status"`
			} `json:"items"`
		}
		e.do("GET", "/v2/scheduler/schedules?user_id=alice@example.com"+q, "").decode(&l)
		var out []string
		for _, it := range l.Items {
			out = append(out, it.Slug+":"+it.Status)
		}
		return out
	}
	if diff := cmp.Diff([]string{"other:confirmed"}, list("")); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"sales:cancelled", "other:confirmed"}, list("&show_deleted=true")); diff != "" {
		t.Errorf("list show_deleted (-want +got):\n%s", diff)
	}

	// The slug is free again; its new page is the one found by slug.
	p2 := e.create("alice@example.com", pageBody("Sales again", []string{"alice@example.com"}, `,"slug":"sales"`))
	g = e.do("GET", "/v2/scheduler/schedules/sales?user_id=alice@example.com", "")
	if g.json()["schedule_id"] != p2["schedule_id"] {
		t.Errorf("slug lookup found %v, want the new page", g.json()["schedule_id"])
	}
	if diff := cmp.Diff([]string{"sales:cancelled", "other:confirmed", "sales:confirmed"}, list("&show_deleted=true")); diff != "" {
		t.Errorf("list show_deleted (-want +got):\n%s", diff)
	}
}

func TestSlugUniqueness(t *testing.T) {
	e := setup(t, nil)
	e.create("alice@example.com", pageBody("A", []string{"alice@example.com"}, `,"slug":"Team-A"`))
	// Same owner, other case: rejected.
	r := e.do("POST", "/v2/scheduler/schedules?user_id=alice@example.com",
		pageBody("B", []string{"alice@example.com"}, `,"slug":"team-a"`))
	if r.status != 400 {
		t.Fatalf("duplicate slug: %d %s", r.status, r.body)
	}
	wantFields(t, r, "slug")
	// Another owner may use it.
	p := e.create("bob@example.com", pageBody("B", []string{"bob@example.com"}, `,"slug":"team-a"`))
	if p["slug"] != "team-a" || p["scheduling_url"] != "https://scheduler.zoom.us/bob/team-a" {
		t.Errorf("other owner: %v %v", p["slug"], p["scheduling_url"])
	}
}

// wantFields checks a 400 Validation Failed. answer naming exactly fields.
func wantFields(t *testing.T, r resp, fields ...string) {
	t.Helper()
	if r.status != 400 {
		t.Errorf("status %d, want 400 (%s)", r.status, r.body)
		return
	}
	var body struct {
		Code    int          `json:"code"`
		Message string       `json:"message"`
		Errors  []fieldError `json:"errors"`
	}
	r.decode(&body)
	if body.Code != 300 || body.Message != "Validation Failed." {
		t.Errorf("body %s, want code 300 Validation Failed.", r.body)
	}
	var got []string
	for _, fe := range body.Errors {
		got = append(got, fe.Field)
		if fe.Message == "" {
			t.Errorf("field %s has no message", fe.Field)
		}
	}
	if diff := cmp.Diff(fields, got); diff != "" {
		t.Errorf("error fields (-want +got):\n%s\nbody %s", diff, r.body)
	}
}

func TestCreateValidation(t *testing.T) {
	e := setup(t, nil)
	rule := func(extra string) string {
		return `{"email":"alice@example.com","segments_recurrence":{"mon":[{"start":"09:00","end":"17:00"}]}` + extra + `}`
	}
	body := func(extra string) string {
		return `{"summary":"T","availability_override":true,"availability_rules":[` + rule("") + `]` + extra + `}`
	}
	valid := 0
	var manyRules []string
	for i := range 31 {
		manyRules = append(manyRules, fmt.Sprintf(`{"email":"h%d@example.com","segments_recurrence":{}}`, i))
	}
	for _, tc := range []struct {
		name   string
		body   string
		fields []string // nil: 201
	}{
		{"summary missing", `{"availability_override":true,"availability_rules":[` + rule("") + `]}`, []string{"summary"}},
		{"summary empty", strings.Replace(body(""), `"T"`, `""`, 1), []string{"summary"}},
		{"summary 256", strings.Replace(body(""), `"T"`, `"`+strings.Repeat("é", 256)+`"`, 1), nil},
		{"summary 257", strings.Replace(body(""), `"T"`, `"`+strings.Repeat("x", 257)+`"`, 1), []string{"summary"}},
		{"description 8192", body(`,"description":"` + strings.Repeat("d", 8192) + `"`), nil},
		{"description 8193", body(`,"description":"` + strings.Repeat("d", 8193) + `"`), []string{"description"}},
		{"location 1024", body(`,"location":"` + strings.Repeat("l", 1024) + `"`), nil},
		{"location 1025", body(`,"location":"` + strings.Repeat("l", 1025) + `"`), []string{"location"}},
		{"duration 15", body(`,"duration":15`), nil},
		{"duration 1440", body(`,"duration":1440`), nil},
		{"duration 14", body(`,"duration":14`), []string{"duration"}},
		{"duration 1441", body(`,"duration":1441`), []string{"duration"}},
		{"start_time_increment 5", body(`,"start_time_increment":5`), nil},
		{"start_time_increment 4", body(`,"start_time_increment":4`), []string{"start_time_increment"}},
		{"start_time_increment 721", body(`,"start_time_increment":721`), []string{"start_time_increment"}},
		{"capacity 200", body(`,"capacity":200`), nil},
		{"capacity 0", body(`,"capacity":0`), []string{"capacity"}},
		{"capacity 201", body(`,"capacity":201`), []string{"capacity"}},
		{"booking_limit 0 and 96", body(`,"booking_limit":96`), nil},
		{"booking_limit -1", body(`,"booking_limit":-1`), []string{"booking_limit"}},
		{"booking_limit 97", body(`,"booking_limit":97`), []string{"booking_limit"}},
		{"cushion 14340", body(`,"cushion":14340`), nil},
		{"cushion -1", body(`,"cushion":-1`), []string{"cushion"}},
		{"cushion 14341", body(`,"cushion":14341`), []string{"cushion"}},
		{"buffer 240", body(`,"buffer":{"before":240,"after":0}`), nil},
		{"buffer both wrong", body(`,"buffer":{"before":-1,"after":241}`), []string{"buffer.before", "buffer.after"}},
		{"slug ok", body(`,"slug":"Ok_slug-1"`), nil},
		{"slug short", body(`,"slug":"ab"`), []string{"slug"}},
		{"slug long", body(`,"slug":"` + strings.Repeat("s", 257) + `"`), []string{"slug"}},
		{"slug chars", body(`,"slug":"has space"`), []string{"slug"}},
		{"schedule_type", body(`,"schedule_type":"group"`), []string{"schedule_type"}},
		{"add_on_type", body(`,"add_on_type":"teams"`), []string{"add_on_type"}},
		{"add_on_type offline", body(`,"add_on_type":"offline"`), nil},
		{"interval_type", body(`,"interval_type":"sometimes"`), []string{"interval_type"}},
		{"fixed dates ok", body(`,"interval_type":"fixed","start_date":"2026-12-01","end_date":"2026-12-31"`), nil},
		{"fixed bad date", body(`,"interval_type":"fixed","start_date":"12/01/2026","end_date":"2026-12-31"`), []string{"start_date"}},
		{"dates reversed", body(`,"interval_type":"fixed","start_date":"2026-12-31","end_date":"2026-12-01"`), []string{"end_date"}},
		{"time_zone", body(`,"time_zone":"Mars/Olympus"`), []string{"time_zone"}},
		{"time_zone Local", body(`,"time_zone":"Local"`), []string{"time_zone"}},
		{"rule time_zone", `{"summary":"T","availability_override":true,"availability_rules":[` + rule(`,"time_zone":"Nowhere/City"`) + `]}`,
			[]string{"availability_rules[0].time_zone"}},
		{"rule email", `{"summary":"T","availability_override":true,"availability_rules":[{"email":"not-an-email","segments_recurrence":{}}]}`,
			[]string{"availability_rules[0].email"}},
		{"duplicate host", `{"summary":"T","availability_override":true,"availability_rules":[` + rule("") + `,` + rule("") + `]}`,
			[]string{"availability_rules[1].email"}},
		{"31 hosts", `{"summary":"T","availability_override":true,"availability_rules":[` + strings.Join(manyRules, ",") + `]}`,
			[]string{"availability_rules"}},
		{"30 hosts", `{"summary":"T","availability_override":true,"availability_rules":[` + strings.Join(manyRules[:30], ",") + `]}`, nil},
		{"unknown day", `{"summary":"T","availability_override":true,"availability_rules":[{"segments_recurrence":{"mon2":[]}}]}`,
			[]string{"availability_rules[0].segments_recurrence.mon2"}},
		{"bad time", `{"summary":"T","availability_override":true,"availability_rules":[{"segments_recurrence":{"mon":[{"start":"9","end":"25:00"}]}}]}`,
			[]string{"availability_rules[0].segments_recurrence.mon[0].start", "availability_rules[0].segments_recurrence.mon[0].end"}},
		{"start after end", `{"summary":"T","availability_override":true,"availability_rules":[{"segments_recurrence":{"sat":[{"start":"17:00","end":"09:00"}]}}]}`,
			[]string{"availability_rules[0].segments_recurrence.sat[0]"}},
		{"page segments_recurrence", body(`,"segments_recurrence":{"sun":[{"start":"10:00","end":"10:00"}]}`), []string{"segments_recurrence.sun[0]"}},
		{"segments", body(`,"segments":[{"start":"2026-12-01T09:00:00Z","end":"tomorrow"}]`), []string{"segments[0].end"}},
		{"color", body(`,"color":"red"`), []string{"color"}},
		{"color ok", body(`,"color":"#fff200"`), nil},
		{"custom field", body(`,"custom_fields":[{"name":"","format":"essay"}]`), []string{"custom_fields[0].name", "custom_fields[0].format"}},
		{"custom field ok", body(`,"custom_fields":[{"name":"Why?","format":"text","enabled":true,"required":false,"include_other":false,"position":0}]`), nil},
		{"unknown availability_id", `{"summary":"T","availability_override":true,"availability_rules":[{"availability_id":"nope"}]}`,
			[]string{"availability_rules[0].availability_id"}},
		{"all at once", body(`,"duration":1,"capacity":0,"slug":"x"`), []string{"duration", "capacity", "slug"}},
	} {
		if tc.fields == nil {
			valid++
		}
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/v2/scheduler/schedules?user_id=alice@example.com", tc.body)
			if tc.fields == nil {
				if r.status != 201 {
					t.Errorf("status %d, want 201: %s", r.status, r.body)
				}
				return
			}
			wantFields(t, r, tc.fields...)
		})
	}
	// Rejected requests stored nothing; accepted ones are all there.
	if got := len(e.emu.Pages("alice@example.com", true)); got != valid {
		t.Errorf("%d pages stored, want %d (the valid cases)", got, valid)
	}
}

func TestValidationQuirks(t *testing.T) {
	e := setup(t, nil)
	const failed = "Failed json validation!"
	for _, tc := range []struct {
		name   string
		body   string
		fields []string
	}{
		{"not JSON", `{"summary":`, []string{"body"}},
		{"empty body", ``, []string{"body"}},
		{"array", `[]`, []string{"body"}},
		{"duration as string", `{"summary":"T","duration":"30","availability_override":true,"availability_rules":[{"segments_recurrence":{}}]}`, []string{"duration"}},
		{"user_pools as string", `{"summary":"T","user_pools":"all","availability_override":true,"availability_rules":[{"segments_recurrence":{}}]}`, []string{"user_pools"}},
		{"override missing", `{"summary":"T","availability_rules":[{"segments_recurrence":{}}]}`, []string{"availability_override"}},
		{"override false", `{"summary":"T","availability_override":false,"availability_rules":[{"segments_recurrence":{}}]}`, []string{"availability_override"}},
		{"rules missing", `{"summary":"T","availability_override":true}`, []string{"availability_rules"}},
		{"rule without hours", `{"summary":"T","availability_override":true,"availability_rules":[{"segments_recurrence":{}},{"email":"bob@example.com","use_custom":true}]}`,
			[]string{"availability_rules[1]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/v2/scheduler/schedules?user_id=alice@example.com", tc.body)
			if r.status != 400 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var body struct {
				Error struct {
					Message string       `json:"message"`
					Errors  []fieldError `json:"errors"`
				} `json:"error"`
			}
			r.decode(&body)
			if body.Error.Message != failed {
				t.Errorf("message %q, want %q", body.Error.Message, failed)
			}
			var got []string
			for _, fe := range body.Error.Errors {
				got = append(got, fe.Field)
			}
			if diff := cmp.Diff(tc.fields, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}

	// interval_type fixed without both dates.
	miss := `{"error":{"message":"Miss time fields."}}`
	r := e.do("POST", "/v2/scheduler/schedules?user_id=alice@example.com",
		`{"summary":"T","interval_type":"fixed","start_date":"2026-12-01","availability_override":true,"availability_rules":[{"segments_recurrence":{}}]}`)
	if r.status != 400 {
		t.Errorf("fixed without end_date: %d", r.status)
	}
	wantJSON(t, r.body, miss)

	// A rule may name the host's availability instead of inline hours.
	var av struct {
		Items []struct {
			AvailabilityID string `json:"availability_id"`
		} `json:"items"`
	}
	e.do("GET", "/v2/scheduler/availability?user_id=alice@example.com", "").decode(&av)
	p := e.create("alice@example.com", `{"summary":"By id","availability_override":true,"availability_rules":[{"availability_id":"`+av.Items[0].AvailabilityID+`"}]}`)
	id := p["schedule_id"].(string)
	if len(e.emu.Pages("alice@example.com", false)) != 1 {
		t.Fatalf("quirk answers stored pages")
	}

	// The same quirks on PATCH.
	path := "/v2/scheduler/schedules/" + id + "?user_id=alice@example.com"
	r = e.do("PATCH", path, `{"duration":"long"}`)
	if r.status != 400 || !strings.Contains(string(r.body), failed) {
		t.Errorf("PATCH wrong type: %d %s", r.status, r.body)
	}
	r = e.do("PATCH", path, `{"availability_override":false}`)
	if r.status != 400 || !strings.Contains(string(r.body), failed) {
		t.Errorf("PATCH override false: %d %s", r.status, r.body)
	}
	r = e.do("PATCH", path, `{"interval_type":"fixed"}`)
	if r.status != 400 {
		t.Errorf("PATCH fixed without dates: %d", r.status)
	}
	wantJSON(t, r.body, miss)
	if r := e.do("PATCH", path, `{"interval_type":"fixed","start_date":"2026-12-01","end_date":"2026-12-02"}`); r.status != 204 {
		t.Errorf("PATCH fixed with dates: %d %s", r.status, r.body)
	}
	if r := e.do("PATCH", path, `{"end_date":"2027-01-31"}`); r.status != 204 {
		t.Errorf("PATCH end date of a fixed page: %d %s", r.status, r.body)
	}
}

func TestRestrictedUsers(t *testing.T) {
	e := setup(t, func(o *Options) { o.Users = []string{"Alice@example.com", "bob@example.com"} })
	forbidden := `{"code":403,"message":"User Not Found"}`
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/v2/scheduler/schedules?user_id=carol@example.com", pageBody("T", []string{"carol@example.com"}, "")},
		{"GET", "/v2/scheduler/schedules?user_id=carol@example.com", ""},
		{"GET", "/v2/scheduler/users/carol@example.com", ""},
		{"GET", "/v2/scheduler/availability?user_id=carol@example.com", ""},
	} {
		r := e.do(tc.method, tc.path, tc.body)
		if r.status != 403 {
			t.Errorf("%s %s: %d", tc.method, tc.path, r.status)
		}
		wantJSON(t, r.body, forbidden)
	}
	r := e.do("POST", "/v2/scheduler/schedules?user_id=alice@example.com",
		pageBody("T", []string{"alice@example.com", "carol@example.com"}, ""))
	wantFields(t, r, "availability_rules[1].email")
	e.create("ALICE@example.com", pageBody("T", []string{"alice@example.com", "bob@example.com"}, ""))
	// The admin is always a user.
	if r := e.do("GET", "/v2/scheduler/schedules", ""); r.status != 200 {
		t.Errorf("admin list: %d", r.status)
	}
}

func TestPagination(t *testing.T) {
	e := setup(t, func(o *Options) { o.PageSizeMax = 300 })
	for i := range 7 {
		e.create("alice@example.com", pageBody(fmt.Sprintf("Team %d", i), []string{"alice@example.com"}, ""))
	}
	e.create("bob@example.com", pageBody("Bob's", []string{"bob@example.com"}, ""))

	type listing struct {
		NextPageToken *string `json:"next_page_token"`
		Items         []struct {
			Summary string `json:"summary"`
		} `json:"items"`
	}
	var got []string
	var tokens []string
	q := "/v2/scheduler/schedules?user_id=alice@example.com&page_size=3"
	next := ""
	for {
		path := q
		if next != "" {
			path += "&next_page_token=" + next
		}
		r := e.do("GET", path, "")
		if r.status != 200 {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		var l listing
		r.decode(&l)
		if l.NextPageToken == nil {
			t.Fatalf("next_page_token missing in %s", r.body)
		}
		for _, it := range l.Items {
			got = append(got, it.Summary)
		}
		tokens = append(tokens, *l.NextPageToken)
		if next = *l.NextPageToken; next == "" {
			break
		}
	}
	want := []string{"Team 0", "Team 1", "Team 2", "Team 3", "Team 4", "Team 5", "Team 6"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if len(tokens) != 3 || tokens[0] == "" || tokens[1] == "" || tokens[2] != "" {
		t.Errorf("tokens %q, want two non-empty then empty", tokens)
	}

	// Default page size 30 holds all seven; the last page has "" as token.
	r := e.do("GET", "/v2/scheduler/schedules?user_id=alice@example.com", "")
	if !strings.Contains(string(r.body), `"next_page_token":""`) {
		t.Errorf("last page lacks an empty next_page_token: %s", r.body)
	}
	// Bad tokens: garbage, and a token of another owner.
	for _, tok := range []string{"garbage!", tokens[0]} {
		r := e.do("GET", "/v2/scheduler/schedules?user_id=bob@example.com&next_page_token="+tok, "")
		wantFields(t, r, "next_page_token")
	}
	wantFields(t, e.do("GET", "/v2/scheduler/schedules?page_size=abc", ""), "page_size")
	wantFields(t, e.do("GET", "/v2/scheduler/schedules?show_deleted=maybe", ""), "show_deleted")
}

func TestPaginationCapAtScale(t *testing.T) {
	e := setup(t, nil)
	for i := range 1000 {
		if _, err := e.emu.CreateWebAppPage("alice@example.com", WebAppPage{Summary: fmt.Sprintf("Team %04d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var sizes []int
	next := ""
	start := time.Now()
	for {
		var l struct {
			NextPageToken string            `json:"next_page_token"`
			Items         []json.RawMessage `json:"items"`
		}
		e.do("GET", "/v2/scheduler/schedules?user_id=alice@example.com&page_size=1000&next_page_token="+next, "").decode(&l)
		sizes = append(sizes, len(l.Items))
		if next = l.NextPageToken; next == "" {
			break
		}
	}
	if diff := cmp.Diff([]int{300, 300, 300, 100}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("listing 1000 pages took %v", d)
	}
}

func TestDowngradeMode(t *testing.T) {
	e := setup(t, func(o *Options) { o.Mode = ModeDowngrade })
	r := e.do("POST", "/v2/scheduler/schedules?user_id=owner@example.com", multiHostBody)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	got := r.json()
	id := got["schedule_id"].(string)
	g := e.do("GET", "/v2/scheduler/schedules/"+id+"?user_id=owner@example.com", "")
	wantJSON(t, g.body, string(r.body))
	gm := g.json()
	if gm["schedule_type"] != "one" {
		t.Errorf("schedule_type %v, want one", gm["schedule_type"])
	}
	wantRules := []any{map[string]any{"email": "owner@example.com", "use_custom": true, "time_zone": "America/New_York",
		"segments_recurrence": map[string]any{
			"mon": []any{map[string]any{"start": "09:00", "end": "12:00"}, map[string]any{"start": "13:00", "end": "17:00"}},
			"fri": []any{map[string]any{"start": "09:00", "end": "24:00"}}}}}
	if diff := cmp.Diff(wantRules, gm["availability_rules"]); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	for _, k := range []string{"pooling_type", "user_pools", "attendees"} {
		if _, ok := gm[k]; ok {
			t.Errorf("GET has %s", k)
		}
	}

	// Owner not among the rules: the first rule becomes the owner's.
	p := e.create("carol@example.com", pageBody("C", []string{"bob@example.com", "dave@example.com"}, ""))
	rules := p["availability_rules"].([]any)
	if len(rules) != 1 || rules[0].(map[string]any)["email"] != "carol@example.com" {
		t.Errorf("rules %v, want carol's only", rules)
	}

	// PATCH cannot add hosts: bob is dropped, the owner's rule changes.
	path := "/v2/scheduler/schedules/" + id + "?user_id=owner@example.com"
	r = e.do("PATCH", path, `{"availability_rules":[
		{"email":"owner@example.com","segments_recurrence":{"tue":[{"start":"10:00","end":"11:00"}]}},
		{"email":"bob@example.com","segments_recurrence":{"tue":[{"start":"10:00","end":"11:00"}]}}]}`)
	if r.status != 204 {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	var emails []string
	for _, rl := range e.emu.Pages("owner@example.com", false)[0].AvailabilityRules {
		emails = append(emails, rl.Email+" "+rl.SegmentsRecurrence.Tue[0].Start)
	}
	if diff := cmp.Diff([]string{"owner@example.com 10:00"}, emails); diff != "" {
		t.Errorf("rules after PATCH (-want +got):\n%s", diff)
	}

	// A web app page is a real multi-host page even in downgrade mode, and
	// PATCH can change its existing hosts but not add one.
	wp, err := e.emu.CreateWebAppPage("owner@example.com", WebAppPage{
		Summary: "Web", Hosts: []string{"owner@example.com", "Bob@example.com"}, Duration: 60, TimeZone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	if wp.ScheduleType != "multiple" || len(wp.AvailabilityRules) != 2 || wp.AvailabilityRules[1].Email != "bob@example.com" {
		t.Errorf("web app page %+v", wp)
	}
	r = e.do("PATCH", "/v2/scheduler/schedules/"+wp.ScheduleID+"?user_id=owner@example.com", `{"availability_rules":[
		{"email":"bob@example.com","segments_recurrence":{}},{"email":"zed@example.com","segments_recurrence":{}}]}`)
	if r.status != 204 {
		t.Fatalf("PATCH web app page: %d %s", r.status, r.body)
	}
	g = e.do("GET", "/v2/scheduler/schedules/"+wp.ScheduleID+"?user_id=owner@example.com", "")
	var stored Page
	g.decode(&stored)
	if stored.ScheduleType != "multiple" || len(stored.AvailabilityRules) != 1 || stored.AvailabilityRules[0].Email != "bob@example.com" {
		t.Errorf("after PATCH: %s", g.body)
	}
}

func TestCollectivePatchAddsHosts(t *testing.T) {
	e := setup(t, nil)
	p := e.create("owner@example.com", pageBody("T", []string{"owner@example.com"}, ""))
	r := e.do("PATCH", "/v2/scheduler/schedules/"+p["schedule_id"].(string)+"?user_id=owner@example.com",
		`{"availability_rules":[{"email":"owner@example.com","segments_recurrence":{}},{"email":"bob@example.com","segments_recurrence":{}}]}`)
	if r.status != 204 {
		t.Fatalf("PATCH: %d %s", r.status, r.body)
	}
	if n := len(e.emu.Pages("owner@example.com", false)[0].AvailabilityRules); n != 2 {
		t.Errorf("%d rules, want 2", n)
	}
	// SetMode switches later requests.
	e.emu.SetMode(ModeDowngrade)
	if got := e.create("owner@example.com", multiHostBody)["schedule_type"]; got != "one" {
		t.Errorf("after SetMode: %v", got)
	}
}

func TestUsersAndAvailability(t *testing.T) {
	e := setup(t, nil)
	r := e.do("GET", "/v2/scheduler/users/Jane.Doe@example.com", "")
	if r.status != 200 {
		t.Fatalf("user: %d %s", r.status, r.body)
	}
	wantJSON(t, r.body, `{"display_name":"Jane Doe","slug":"jane-doe","scheduling_url":"https://scheduler.zoom.us/jane-doe","time_zone":"America/Los_Angeles"}`)
	if r := e.do("GET", "/v2/scheduler/users/not-a-user", ""); r.status != 403 {
		t.Errorf("unknown user: %d", r.status)
	}

	r = e.do("GET", "/v2/scheduler/availability?user_id=jane.doe@example.com&page_size=1", "")
	var av struct {
		NextPageToken string `json:"next_page_token"`
		Items         []struct {
			AvailabilityID string `json:"availability_id"`
		} `json:"items"`
	}
	r.decode(&av)
	if len(av.Items) != 1 || !idPattern.MatchString(av.Items[0].AvailabilityID) {
		t.Fatalf("availability: %s", r.body)
	}
	wantJSON(t, r.body, `{"next_page_token":"","items":[{"availability_id":"`+av.Items[0].AvailabilityID+`",
		"name":"Working hours","owner":"jane.doe@example.com","default":true,"time_zone":"America/Los_Angeles",
		"segments_recurrence":{"mon":[{"start":"09:00","end":"17:00"}],"tue":[{"start":"09:00","end":"17:00"}],
		"wed":[{"start":"09:00","end":"17:00"}],"thu":[{"start":"09:00","end":"17:00"}],"fri":[{"start":"09:00","end":"17:00"}]}}]}`)
	wantFields(t, e.do("GET", "/v2/scheduler/availability?next_page_token=xyz", ""), "next_page_token")
}

func TestRouting(t *testing.T) {
	e := setup(t, nil)
	p := e.create("alice@example.com", pageBody("T", []string{"alice@example.com"}, ""))
	e.emu.ResetStats()
	id := p["schedule_id"].(string)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/v2/scheduler/schedules?user_id=alice@example.com", 200},
		{"GET", "/v2/scheduler/schedules/" + id + "?user_id=alice@example.com", 200},
		{"PATCH", "/v2/scheduler/schedules/" + id + "?user_id=alice@example.com", 204},
		{"GET", "/v2/scheduler/availability", 200},
		{"GET", "/v2/scheduler/users/alice@example.com", 200},
		{"PUT", "/v2/scheduler/schedules", 405},
		{"POST", "/v2/scheduler/schedules/" + id, 405},
		{"GET", "/v2/scheduler/teams", 404},
		{"GET", "/v2/scheduler/schedules/a/b", 404},
		{"DELETE", "/v2/scheduler/schedules/" + id + "?user_id=alice@example.com", 204},
		{"DELETE", "/v2/scheduler/schedules/" + id + "?user_id=alice@example.com", 404},
	} {
		if r := e.do(tc.method, tc.path, `{}`); r.status != tc.status {
			t.Errorf("%s %s: %d, want %d (%s)", tc.method, tc.path, r.status, tc.status, r.body)
		}
	}
	want := map[string]int{
		"GET /v2/scheduler/schedules":                 1,
		"GET /v2/scheduler/schedules/{scheduleId}":    1,
		"PATCH /v2/scheduler/schedules/{scheduleId}":  1,
		"DELETE /v2/scheduler/schedules/{scheduleId}": 2,
		"GET /v2/scheduler/availability":              1,
		"GET /v2/scheduler/users/{userId}":            1,
		"PUT /v2/scheduler/schedules":                 1,
		"POST /v2/scheduler/schedules/{scheduleId}":   1,
		"GET (unknown)":                               2,
	}
	s := e.emu.Stats()
	if diff := cmp.Diff(want, s.Requests); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if s.Writes() != 3 {
		t.Errorf("Writes() = %d, want 3", s.Writes())
	}
}

// BenchmarkListSchedules lists an owner's 1,000 pages, 300 at a time.
func BenchmarkListSchedules(b *testing.B) {
	emu, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		if _, err := emu.CreateWebAppPage("alice@example.com", WebAppPage{Summary: fmt.Sprintf("Team %d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/oauth/token?grant_type=account_credentials&account_id=emulator-account", nil)
	req.SetBasicAuth("emulator-client", "emulator-secret")
	emu.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		next := ""
		for {
			req := httptest.NewRequest("GET", "/v2/scheduler/schedules?user_id=alice@example.com&page_size=300&next_page_token="+next, nil)
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			rec := httptest.NewRecorder()
			emu.ServeHTTP(rec, req)
			// The token comes first; read only that much of the body.
			dec := json.NewDecoder(rec.Body)
			var toks [3]json.Token
			for i := range toks {
				toks[i], _ = dec.Token()
			}
			if rec.Code != 200 || toks[1] != "next_page_token" {
				b.Fatalf("list: %d %v", rec.Code, toks)
			}
			if next = toks[2].(string); next == "" {
				break
			}
		}
	}
}
