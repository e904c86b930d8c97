package sheet

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var testDefaults = Defaults{TimeZone: "America/New_York", Duration: 30, Availability: "Mon-Fri 09:00-17:00"}

var fullHeader = []string{"Team", "Hosts", "Key", "Owner", "Duration", "Time zone", "Availability", "Description",
	"Location", "Slug", "Active", "Buffer before", "Buffer after", "Min notice", "Increment", "Daily limit", "Schedule ID"}

// mkTable builds a table with the header in row 1 and data from row 2.
func mkTable(header []string, rows ...[]string) *Table {
	t := &Table{Header: header, HeaderRow: 1}
	for i, r := range rows {
		cells := make([]string, max(len(header), len(r)))
		copy(cells, r)
		t.Rows = append(t.Rows, cells)
		t.RowNums = append(t.RowNums, i+2)
	}
	return t
}

// rowWith is a valid full row with some cells replaced, by header text.
func rowWith(over map[string]string) []string {
	base := map[string]string{"Team": "Sales EMEA", "Hosts": "ana@example.com, ben@example.com"}
	for k, v := range over {
		base[k] = v
	}
	row := make([]string, len(fullHeader))
	for i, h := range fullHeader {
		row[i] = base[h]
	}
	return row
}

func mustParse(t *testing.T, tb *Table, opts ParseOptions) *Result {
	t.Helper()
	if opts.Defaults == (Defaults{}) {
		opts.Defaults = testDefaults
	}
	res, err := Parse(tb, opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return res
}

func ptr[T any](v T) *T { return &v }

func TestParseDefaults(t *testing.T) {
	res := mustParse(t, mkTable([]string{"Team", "Hosts"}, []string{"Sales EMEA", "Ana@Example.com; ben@example.com"}), ParseOptions{})
	avail, _ := ParseWeekly("Mon-Fri 09:00-17:00")
	want := []Page{{
		Row: 2, Key: "sales-emea", Team: "Sales EMEA", Hosts: []string{"ana@example.com", "ben@example.com"},
		Owner: "ana@example.com", Duration: 30, TimeZone: "America/New_York", Availability: avail,
		AvailabilityText: "Mon-Fri 09:00-17:00", Slug: "sales-emea", Active: true,
	}}
	if diff := cmp.Diff(want, res.Pages); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	if res.Rows != 1 || len(res.Invalid) != 0 || res.UnreadableKeys != 0 || len(res.Warnings) != 0 {
		t.Errorf("result %+v", res)
	}
}

// TestParseValidCells checks each column's accepted forms.
func TestParseValidCells(t *testing.T) {
	tests := []struct {
		name string
		over map[string]string
		opts ParseOptions
		get  func(Page) any
		want any
	}{
		{"hosts commas", map[string]string{"Hosts": "a@x.com,b@x.com"}, ParseOptions{}, func(p Page) any { return p.Hosts }, []string{"a@x.com", "b@x.com"}},
		{"hosts semicolons newlines", map[string]string{"Hosts": "a@x.com;\nB@X.com\r\n c@x.com "}, ParseOptions{}, func(p Page) any { return p.Hosts }, []string{"a@x.com", "b@x.com", "c@x.com"}},
		{"hosts dedupe", map[string]string{"Hosts": "a@x.com, A@x.com, b@x.com, a@x.com"}, ParseOptions{}, func(p Page) any { return p.Hosts }, []string{"a@x.com", "b@x.com"}},
		{"hosts display names", map[string]string{"Hosts": `Ana Li <ana@x.com>, "Doe, Jane" <jane@x.com>, mailto:bo@x.com`}, ParseOptions{}, func(p Page) any { return p.Hosts }, []string{"ana@x.com", "jane@x.com", "bo@x.com"}},
		{"hosts 30", map[string]string{"Hosts": manyHosts(30)}, ParseOptions{}, func(p Page) any { return len(p.Hosts) }, 30},
		{"owner default", nil, ParseOptions{}, func(p Page) any { return p.Owner }, "ana@example.com"},
		{"owner explicit", map[string]string{"Owner": "Ben <BEN@example.com>"}, ParseOptions{}, func(p Page) any { return p.Owner }, "ben@example.com"},
		{"key default", nil, ParseOptions{}, func(p Page) any { return p.Key }, "sales-emea"},
		{"key explicit normalised", map[string]string{"Key": "Sales EMEA 2"}, ParseOptions{}, func(p Page) any { return p.Key }, "sales-emea-2"},
		{"key accents", map[string]string{"Team": "Équipe Café"}, ParseOptions{}, func(p Page) any { return p.Key }, "equipe-cafe"},
		{"duration plain", map[string]string{"Duration": "45"}, ParseOptions{}, func(p Page) any { return p.Duration }, 45},
		{"duration min", map[string]string{"Duration": "30 min"}, ParseOptions{}, func(p Page) any { return p.Duration }, 30},
		{"duration minutes", map[string]string{"Duration": "90 minutes"}, ParseOptions{}, func(p Page) any { return p.Duration }, 90},
		{"duration m", map[string]string{"Duration": "45m"}, ParseOptions{}, func(p Page) any { return p.Duration }, 45},
		{"duration h", map[string]string{"Duration": "1h"}, ParseOptions{}, func(p Page) any { return p.Duration }, 60},
		{"duration h m", map[string]string{"Duration": "1h30m"}, ParseOptions{}, func(p Page) any { return p.Duration }, 90},
		{"duration hours words", map[string]string{"Duration": "1 hour 30 min"}, ParseOptions{}, func(p Page) any { return p.Duration }, 90},
		{"duration float", map[string]string{"Duration": "30.0"}, ParseOptions{}, func(p Page) any { return p.Duration }, 30},
		{"duration 1440", map[string]string{"Duration": "24h"}, ParseOptions{}, func(p Page) any { return p.Duration }, 1440},
		{"timezone", map[string]string{"Time zone": "Europe/Berlin"}, ParseOptions{}, func(p Page) any { return p.TimeZone }, "Europe/Berlin"},
		{"timezone UTC", map[string]string{"Time zone": "UTC"}, ParseOptions{}, func(p Page) any { return p.TimeZone }, "UTC"},
		{"timezone link", map[string]string{"Time zone": "Asia/Calcutta"}, ParseOptions{}, func(p Page) any { return p.TimeZone }, "Asia/Calcutta"},
		{"availability", map[string]string{"Availability": "mon-thu 8am-4pm"}, ParseOptions{}, func(p Page) any { return p.AvailabilityText }, "Mon-Thu 08:00-16:00"},
		{"description", map[string]string{"Description": "  Book a demo  "}, ParseOptions{}, func(p Page) any { return p.Description }, ptr("Book a demo")},
		{"description blank", nil, ParseOptions{}, func(p Page) any { return p.Description }, (*string)(nil)},
		{"description 8192", map[string]string{"Description": strings.Repeat("é", 8192)}, ParseOptions{}, func(p Page) any { return len([]rune(*p.Description)) }, 8192},
		{"location", map[string]string{"Location": "Zoom"}, ParseOptions{}, func(p Page) any { return p.Location }, ptr("Zoom")},
		{"slug default prefix", nil, ParseOptions{SlugPrefix: "zs-"}, func(p Page) any { return p.Slug }, "zs-sales-emea"},
		{"slug explicit", map[string]string{"Slug": "Demo-EMEA"}, ParseOptions{}, func(p Page) any { return []any{p.Slug, p.SlugSet} }, []any{"demo-emea", true}},
		{"slug derived is not set", nil, ParseOptions{}, func(p Page) any { return p.SlugSet }, false},
		{"slug from key", map[string]string{"Key": "emea"}, ParseOptions{SlugPrefix: "zs-"}, func(p Page) any { return p.Slug }, "zs-emea"},
		{"non-latin team with slug", map[string]string{"Team": "日本チーム", "Slug": "japan-sales"}, ParseOptions{}, func(p Page) any { return []string{p.Key, p.Slug} }, []string{"japan-sales", "japan-sales"}},
		{"non-latin team with key", map[string]string{"Team": "日本チーム", "Key": "japan"}, ParseOptions{}, func(p Page) any { return []string{p.Key, p.Slug} }, []string{"japan", "japan"}},
		{"active blank", nil, ParseOptions{}, func(p Page) any { return p.Active }, true},
		{"active FALSE", map[string]string{"Active": "FALSE"}, ParseOptions{}, func(p Page) any { return p.Active }, false},
		{"active no", map[string]string{"Active": "No"}, ParseOptions{}, func(p Page) any { return p.Active }, false},
		{"active n", map[string]string{"Active": "n"}, ParseOptions{}, func(p Page) any { return p.Active }, false},
		{"active 0", map[string]string{"Active": "0"}, ParseOptions{}, func(p Page) any { return p.Active }, false},
		{"active off", map[string]string{"Active": "OFF"}, ParseOptions{}, func(p Page) any { return p.Active }, false},
		{"active yes", map[string]string{"Active": "yes"}, ParseOptions{}, func(p Page) any { return p.Active }, true},
		{"active on", map[string]string{"Active": "On"}, ParseOptions{}, func(p Page) any { return p.Active }, true},
		{"active 1", map[string]string{"Active": "1"}, ParseOptions{}, func(p Page) any { return p.Active }, true},
		{"active y", map[string]string{"Active": "Y"}, ParseOptions{}, func(p Page) any { return p.Active }, true},
		{"buffers", map[string]string{"Buffer before": "10", "Buffer after": "15 min"}, ParseOptions{}, func(p Page) any { return []*int{p.BufferBefore, p.BufferAfter} }, []*int{ptr(10), ptr(15)}},
		{"buffer 0 and 240", map[string]string{"Buffer before": "0", "Buffer after": "4h"}, ParseOptions{}, func(p Page) any { return []*int{p.BufferBefore, p.BufferAfter} }, []*int{ptr(0), ptr(240)}},
		{"numbers blank", nil, ParseOptions{}, func(p Page) any { return []*int{p.BufferBefore, p.BufferAfter, p.MinNotice, p.Increment, p.DailyLimit} }, []*int{nil, nil, nil, nil, nil}},
		{"min notice", map[string]string{"Min notice": "14340"}, ParseOptions{}, func(p Page) any { return p.MinNotice }, ptr(14340)},
		{"increment", map[string]string{"Increment": "15"}, ParseOptions{}, func(p Page) any { return p.Increment }, ptr(15)},
		{"daily limit", map[string]string{"Daily limit": "4"}, ParseOptions{}, func(p Page) any { return p.DailyLimit }, ptr(4)},
		{"daily limit 0", map[string]string{"Daily limit": "0"}, ParseOptions{}, func(p Page) any { return p.DailyLimit }, ptr(0)},
		{"schedule id", map[string]string{"Schedule ID": "AbCdEf0123456789abcdef0123"}, ParseOptions{}, func(p Page) any { return p.Ref }, ScheduleRef{ID: "abcdef0123456789abcdef0123"}},
		{"schedule link", map[string]string{"Schedule ID": "https://scheduler.zoom.us/Ana-Li/Sales-Demo?x=1"}, ParseOptions{}, func(p Page) any { return p.Ref },
			ScheduleRef{URL: "https://scheduler.zoom.us/ana-li/sales-demo", Slug: "sales-demo"}},
		{"schedule link no scheme", map[string]string{"Schedule ID": "scheduler.zoom.us/ana/demo"}, ParseOptions{}, func(p Page) any { return p.Ref },
			ScheduleRef{URL: "https://scheduler.zoom.us/ana/demo", Slug: "demo"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustParse(t, mkTable(fullHeader, rowWith(tt.over)), tt.opts)
			if len(res.Pages) != 1 {
				t.Fatalf("want 1 page, got invalid %v", res.Invalid)
			}
			if diff := cmp.Diff(tt.want, tt.get(res.Pages[0])); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func manyHosts(n int) string {
	h := make([]string, n)
	for i := range h {
		h[i] = "host" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + "@example.com"
	}
	return strings.Join(h, ", ")
}

// TestParseInvalidCells checks each column's rejected forms and the exact
// message the admin gets.
func TestParseInvalidCells(t *testing.T) {
	tests := []struct {
		name string
		over map[string]string
		opts ParseOptions
		want string // InvalidRow.String()
	}{
		{"team missing", map[string]string{"Team": ""},
			ParseOptions{}, `row 2: column "Team": the team name is missing — enter the team name; it becomes the page title`},
		{"team too long", map[string]string{"Team": strings.Repeat("x", 257), "Key": "k-long"},
			ParseOptions{}, `row 2: column "Team": the team name is 257 characters long; Zoom allows at most 256 — shorten it to 256 characters`},
		{"hosts missing", map[string]string{"Hosts": ""},
			ParseOptions{}, `row 2: column "Hosts": no hosts are listed — list 2 to 30 host emails separated by commas`},
		{"one host", map[string]string{"Hosts": "a@x.com"},
			ParseOptions{}, `row 2: column "Hosts": only 1 host (a@x.com); an All Hosts Available page needs 2 to 30 — add hosts separated by commas`},
		{"one host twice", map[string]string{"Hosts": "a@x.com, A@X.COM"},
			ParseOptions{}, `row 2: column "Hosts": only 1 host (a@x.com); an All Hosts Available page needs 2 to 30 — add hosts separated by commas`},
		{"31 hosts", map[string]string{"Hosts": manyHosts(31)},
			ParseOptions{}, `row 2: column "Hosts": 31 hosts; an All Hosts Available page allows at most 30 — split the team across two rows`},
		{"bad email", map[string]string{"Hosts": "a@x.com, bob at x.com"},
			ParseOptions{}, `row 2: column "Hosts": "bob at x.com" is not an email address — write each host as name@example.com, separated by commas`},
		{"bad emails", map[string]string{"Hosts": "a@x.com, bob@, carl@localhost"},
			ParseOptions{}, `row 2: column "Hosts": "bob@", "carl@localhost" are not email addresses — write each host as name@example.com, separated by commas`},
		{"key without letters", map[string]string{"Key": "日本"},
			ParseOptions{}, `row 2: column "Key": the key "日本" has no letters a-z or digits — use letters a-z and digits, for example "sales-emea"`},
		{"team non-latin", map[string]string{"Team": "日本チーム"},
			ParseOptions{}, `row 2: column "Team": cannot make a key or slug from "日本チーム": it has no letters a-z or digits — set the Key or Slug column, for example "japan-sales"`},
		{"owner not a host", map[string]string{"Owner": "zoe@example.com"},
			ParseOptions{}, `row 2: column "Owner": zoe@example.com is not one of the hosts — the owner must be one of the hosts: ana@example.com, ben@example.com (or add them to the hosts)`},
		{"owner not an email", map[string]string{"Owner": "Ana"},
			ParseOptions{}, `row 2: column "Owner": "Ana" is not an email address — write the email of one of the hosts`},
		{"duration words", map[string]string{"Duration": "half an hour"},
			ParseOptions{}, `row 2: column "Duration": "half an hour" is not a number of minutes — write minutes such as 30, 45 min or 1h30m`},
		{"duration fraction", map[string]string{"Duration": "30.5"},
			ParseOptions{}, `row 2: column "Duration": "30.5" is not a number of minutes — write minutes such as 30, 45 min or 1h30m`},
		{"duration short", map[string]string{"Duration": "10"},
			ParseOptions{}, `row 2: column "Duration": 10 minutes is out of range — Zoom allows 15 to 1440 minutes (24 hours)`},
		{"duration long", map[string]string{"Duration": "25h"},
			ParseOptions{}, `row 2: column "Duration": 1500 minutes is out of range — Zoom allows 15 to 1440 minutes (24 hours)`},
		{"duration negative", map[string]string{"Duration": "-30"},
			ParseOptions{}, `row 2: column "Duration": -30 minutes is out of range — Zoom allows 15 to 1440 minutes (24 hours)`},
		{"timezone case", map[string]string{"Time zone": "america/new_york"},
			ParseOptions{}, `row 2: column "Time zone": "america/new_york" is not an IANA time zone name — write it exactly as America/New_York (time zone names are case-sensitive)`},
		{"timezone space", map[string]string{"Time zone": "America/Los Angeles"},
			ParseOptions{}, `row 2: column "Time zone": "America/Los Angeles" is not an IANA time zone name — write it exactly as America/Los_Angeles (time zone names are case-sensitive)`},
		{"timezone EST", map[string]string{"Time zone": "EST"},
			ParseOptions{}, `row 2: column "Time zone": "EST" is an abbreviation, not an IANA time zone — use America/New_York (it also follows daylight saving), or another IANA name`},
		{"timezone EST5", map[string]string{"Time zone": "EST5"},
			ParseOptions{}, `row 2: column "Time zone": "EST5" is an abbreviation, not an IANA time zone — use America/New_York (it also follows daylight saving), or another IANA name`},
		{"timezone PST8PDT", map[string]string{"Time zone": "PST8PDT"},
			ParseOptions{}, `row 2: column "Time zone": "PST8PDT" is an abbreviation, not an IANA time zone — use America/Los_Angeles (it also follows daylight saving), or another IANA name`},
		{"timezone CET", map[string]string{"Time zone": "CET"},
			ParseOptions{}, `row 2: column "Time zone": "CET" is an abbreviation, not an IANA time zone — use Europe/Berlin (it also follows daylight saving), or another IANA name`},
		{"timezone offset", map[string]string{"Time zone": "UTC+2"},
			ParseOptions{}, `row 2: column "Time zone": "UTC+2" is a UTC offset, not a time zone — use the name of a place, such as Europe/Berlin, so daylight saving is followed; a fixed offset is not a time zone Zoom accepts`},
		{"timezone Local", map[string]string{"Time zone": "Local"},
			ParseOptions{}, `row 2: column "Time zone": "Local" is not a time zone — use an IANA time zone name such as America/New_York, Europe/Berlin or Asia/Tokyo`},
		{"timezone unknown", map[string]string{"Time zone": "Mars/Olympus"},
			ParseOptions{}, `row 2: column "Time zone": "Mars/Olympus" is not an IANA time zone — use an IANA time zone name such as America/New_York, Europe/Berlin or Asia/Tokyo (the "TZ identifier" column of https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)`},
		{"availability inverted", map[string]string{"Availability": "Mon-Fri 17:00-09:00"},
			ParseOptions{}, `row 2: column "Availability": "17:00-09:00" ends before it starts — a range cannot cross midnight: split it into two days' ranges`},
		{"availability unknown day", map[string]string{"Availability": "Mnday 9-17"},
			ParseOptions{}, `row 2: column "Availability": unknown day "mnday" — did you mean "monday"? use Mon, Tue, Wed, Thu, Fri, Sat, Sun (or full names), weekdays, weekends or daily`},
		{"description too long", map[string]string{"Description": strings.Repeat("x", 8193)},
			ParseOptions{}, `row 2: column "Description": the text is 8193 characters long; Zoom allows at most 8192 — shorten it to 8192 characters`},
		{"location too long", map[string]string{"Location": strings.Repeat("x", 1025)},
			ParseOptions{}, `row 2: column "Location": the text is 1025 characters long; Zoom allows at most 1024 — shorten it to 1024 characters`},
		{"slug chars", map[string]string{"Slug": "Sales EMEA!"},
			ParseOptions{}, `row 2: column "Slug": "Sales EMEA!" is not a valid slug — use only a-z, 0-9 and -, for example "sales-emea"`},
		{"slug short", map[string]string{"Slug": "ab"},
			ParseOptions{}, `row 2: column "Slug": the slug "ab" is 2 characters long — use 3 to 256 characters`},
		{"derived slug short", map[string]string{"Team": "QA"},
			ParseOptions{}, `row 2: column "Slug": the page slug "qa" made from the team name is shorter than 3 characters — set the Slug column (or the key) to at least 3 characters`},
		{"active", map[string]string{"Active": "maybe"},
			ParseOptions{}, `row 2: column "Active": "maybe" is not TRUE or FALSE — write TRUE or FALSE (also yes/no, 1/0, on/off); blank means TRUE`},
		{"buffer range", map[string]string{"Buffer before": "300"},
			ParseOptions{}, `row 2: column "Buffer before": 300 is out of range — Zoom allows 0 to 240 minutes`},
		{"buffer text", map[string]string{"Buffer after": "ten"},
			ParseOptions{}, `row 2: column "Buffer after": "ten" is not a number of minutes — write a number of minutes from 0 to 240, or leave it blank`},
		{"min notice range", map[string]string{"Min notice": "14341"},
			ParseOptions{}, `row 2: column "Min notice": 14341 is out of range — Zoom allows 0 to 14340 minutes`},
		{"increment range", map[string]string{"Increment": "4"},
			ParseOptions{}, `row 2: column "Increment": 4 is out of range — Zoom allows 5 to 720 minutes`},
		{"daily limit range", map[string]string{"Daily limit": "97"},
			ParseOptions{}, `row 2: column "Daily limit": 97 is out of range — Zoom allows 0 to 96`},
		{"daily limit fraction", map[string]string{"Daily limit": "2.5"},
			ParseOptions{}, `row 2: column "Daily limit": "2.5" is not a whole number — write a whole number from 0 to 96, or leave it blank`},
		{"schedule id short", map[string]string{"Schedule ID": "abc123"},
			ParseOptions{}, `row 2: column "Schedule ID": "abc123" is not a schedule ID or booking link — paste the page's schedule ID (letters and digits) or its booking link https://scheduler.zoom.us/<user>/<page>`},
		{"schedule link http", map[string]string{"Schedule ID": "http://scheduler.zoom.us/ana/demo"},
			ParseOptions{}, `row 2: column "Schedule ID": "http://scheduler.zoom.us/ana/demo" is not an https link — use the https:// link`},
		{"schedule link other host", map[string]string{"Schedule ID": "https://zoom.us/j/123"},
			ParseOptions{}, `row 2: column "Schedule ID": "https://zoom.us/j/123" is not a Zoom Scheduler booking link — paste the page's schedule ID (letters and digits) or its booking link https://scheduler.zoom.us/<user>/<page>`},
		{"schedule link no page", map[string]string{"Schedule ID": "https://scheduler.zoom.us/ana"},
			ParseOptions{}, `row 2: column "Schedule ID": "https://scheduler.zoom.us/ana" is a Zoom Scheduler link but not to one booking page — paste the page's schedule ID (letters and digits) or its booking link https://scheduler.zoom.us/<user>/<page>`},
		{"every problem collected", map[string]string{"Hosts": "a@x.com", "Duration": "5", "Active": "perhaps"},
			ParseOptions{}, `row 2: column "Hosts": only 1 host (a@x.com); an All Hosts Available page needs 2 to 30 — add hosts separated by commas; ` +
				`column "Duration": 5 minutes is out of range — Zoom allows 15 to 1440 minutes (24 hours); ` +
				`column "Active": "perhaps" is not TRUE or FALSE — write TRUE or FALSE (also yes/no, 1/0, on/off); blank means TRUE`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustParse(t, mkTable(fullHeader, rowWith(tt.over)), tt.opts)
			if len(res.Invalid) != 1 || len(res.Pages) != 0 {
				t.Fatalf("want 1 invalid row, got pages %v invalid %v", res.Pages, res.Invalid)
			}
			if diff := cmp.Diff(tt.want, res.Invalid[0].String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseInvalidRowKeepsIdentity(t *testing.T) {
	res := mustParse(t, mkTable(fullHeader, rowWith(map[string]string{
		"Hosts": "a@x.com", "Schedule ID": "https://scheduler.zoom.us/a/sales-demo",
	})), ParseOptions{SlugPrefix: "zs-"})
	want := []InvalidRow{{Row: 2, Key: "sales-emea", Slug: "zs-sales-emea", Owner: "a@x.com",
		Ref:      ScheduleRef{URL: "https://scheduler.zoom.us/a/sales-demo", Slug: "sales-demo"},
		Problems: []Problem{{Column: "Hosts", Message: "only 1 host (a@x.com); an All Hosts Available page needs 2 to 30", Hint: "add hosts separated by commas"}}}}
	if diff := cmp.Diff(want, res.Invalid); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if res.UnreadableKeys != 0 {
		t.Errorf("UnreadableKeys = %d", res.UnreadableKeys)
	}

	// A row with neither team nor key has no identity at all.
	res = mustParse(t, mkTable(fullHeader, rowWith(map[string]string{"Team": ""})), ParseOptions{})
	if res.UnreadableKeys != 1 || res.Rows != 1 {
		t.Errorf("UnreadableKeys = %d, Rows = %d; want 1, 1", res.UnreadableKeys, res.Rows)
	}
}

func TestParseDuplicates(t *testing.T) {
	h := []string{"Team", "Hosts", "Key", "Slug", "Owner", "Schedule ID"}
	hosts := "a@x.com, b@x.com"
	tb := mkTable(h,
		[]string{"Sales EMEA", hosts},                                       // 2: key sales-emea
		[]string{"Support", hosts},                                          // 3
		[]string{"Other name", hosts, "Sales EMEA"},                         // 4: explicit key equal to row 2's after normalising
		[]string{"Demo A", hosts, "", "demo"},                               // 5: slug demo, owner a
		[]string{"Demo B", hosts, "", "demo", "b@x.com"},                    // 6: slug demo, owner b: fine
		[]string{"Demo C", hosts, "", "DEMO"},                               // 7: slug demo, owner a again
		[]string{"Id one", hosts, "", "", "", "ABCDEFGHIJ0123456789abcdef"}, // 8
		[]string{"Id two", hosts, "", "", "", "abcdefghij0123456789abcdef"}, // 9: same id
		[]string{"Support", hosts},                                          // 10: same team as row 3
	)
	res := mustParse(t, tb, ParseOptions{})
	got := map[int]string{}
	for _, inv := range res.Invalid {
		got[inv.Row] = inv.String()
	}
	want := map[int]string{
		2:  `row 2: column "Team": the team name gives the key "sales-emea", which row 4 also has — each row needs its own key: make the team names differ or fill in the key column`,
		4:  `row 4: column "Key": key "sales-emea" is also used by row 2 — give each row its own key`,
		3:  `row 3: column "Team": the team name gives the key "support", which row 10 also has — each row needs its own key: make the team names differ or fill in the key column`,
		10: `row 10: column "Team": the team name gives the key "support", which row 3 also has — each row needs its own key: make the team names differ or fill in the key column`,
		5:  `row 5: column "Slug": slug "demo" is also used by row 7 for owner a@x.com — one owner's pages need different slugs: set the slug column`,
		7:  `row 7: column "Slug": slug "demo" is also used by row 5 for owner a@x.com — one owner's pages need different slugs: set the slug column`,
		8:  `row 8: column "Schedule ID": abcdefghij0123456789abcdef is also used by row 9 — a Zoom page can belong to one row only: clear the cell in all but one row`,
		9:  `row 9: column "Schedule ID": abcdefghij0123456789abcdef is also used by row 8 — a Zoom page can belong to one row only: clear the cell in all but one row`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("invalid rows (-want +got):\n%s", diff)
	}
	if len(res.Pages) != 1 || res.Pages[0].Row != 6 {
		t.Errorf("pages = %+v, want only row 6", res.Pages)
	}
}

func TestParseBlankAndRaggedRows(t *testing.T) {
	tb := &Table{
		Header:    []string{"Team", "Hosts", "", "sync_status", "Notes"},
		HeaderRow: 1,
		Rows: [][]string{
			{"Sales", "a@x.com, b@x.com", "", "", ""},
			{"  ", "", "", "created", ""},                      // only a write-back value: blank
			{"Support", "a@x.com, b@x.com", "stray", "", "ok"}, // value under an empty header
			{"Ops", "a@x.com, b@x.com", "", "", "", "beyond"},  // value beyond the header
			{"", "", "", "", "a note"},                         // only an unknown column: not blank
		},
		RowNums: []int{2, 4, 5, 9, 10},
	}
	res := mustParse(t, tb, ParseOptions{Writeback: DefaultWritebackColumns()})
	if res.Rows != 4 {
		t.Errorf("Rows = %d, want 4 (the write-back-only row is blank)", res.Rows)
	}
	var rows []int
	for _, p := range res.Pages {
		rows = append(rows, p.Row)
	}
	if diff := cmp.Diff([]int{2, 5, 9}, rows); diff != "" {
		t.Errorf("page rows (-want +got):\n%s", diff)
	}
	if len(res.Invalid) != 1 || res.Invalid[0].Row != 10 || res.UnreadableKeys != 1 {
		t.Errorf("invalid = %v, unreadable %d", res.Invalid, res.UnreadableKeys)
	}
	wantWarnings := []string{
		`ignoring 1 column(s) zoomsync does not use: "Notes" (E)`,
		"rows 5 and 9: values in columns without a header are ignored — give those columns a header or clear the cells",
	}
	if diff := cmp.Diff(wantWarnings, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestParseSlugPrefixWarning(t *testing.T) {
	res := mustParse(t, mkTable([]string{"Team", "Hosts", "Slug"}, []string{"Sales", "a@x.com, b@x.com", "handmade"}), ParseOptions{SlugPrefix: "zs-"})
	want := []string{`row 2: slug "handmade" does not start with slug_prefix "zs-", so prune will never touch its page`}
	if diff := cmp.Diff(want, res.Warnings); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(res.Pages) != 1 {
		t.Errorf("the row should stay valid: %v", res.Invalid)
	}
}

func TestParseBadDefaults(t *testing.T) {
	_, err := Parse(mkTable([]string{"Team", "Hosts"}), ParseOptions{Defaults: Defaults{TimeZone: "EST", Duration: 5, Availability: "Mon-Fri 17-9"}})
	var de *DefaultsError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want *DefaultsError", err)
	}
	var fields []string
	for _, p := range de.Problems {
		fields = append(fields, p.Field)
	}
	if diff := cmp.Diff([]string{"duration", "timezone", "availability"}, fields); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := CheckDefaults(Defaults{TimeZone: "UTC", Duration: 30, Availability: "Mon-Fri 09:00-17:00"}); err != nil {
		t.Errorf("built-in defaults: %v", err)
	}
}

func TestParseHeaderErrorStopsBeforeRows(t *testing.T) {
	tb := mkTable([]string{"Name", "Host", "Hosts ", "hosts"}, []string{"x", "y"})
	tb.HeaderRow = 3
	_, err := Parse(tb, ParseOptions{Defaults: testDefaults})
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v, want *HeaderError", err)
	}
	want := `the header row (row 3) has 2 problems: "Hosts" (C) and "hosts" (D) all name the hosts column: delete or rename all but one; ` +
		`there is no team column: add a header cell "team", or map your own header to it in the config (columns: {team: "Your header"})`
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseAliases(t *testing.T) {
	tb := mkTable([]string{"Team name", "Team members", "Zoom page"}, []string{"Sales", "a@x.com, b@x.com", "abcdefghij0123456789abcdef"})
	res := mustParse(t, tb, ParseOptions{
		Aliases:   map[string]string{"team": "Team name", "hosts": "team_members"},
		Writeback: WritebackColumns{ScheduleID: "Zoom Page", BookingURL: "booking_url", Status: "sync_status", SyncedAt: "synced_at"},
	})
	if len(res.Pages) != 1 || res.Pages[0].Ref.ID != "abcdefghij0123456789abcdef" || len(res.Pages[0].Hosts) != 2 {
		t.Fatalf("pages %+v invalid %v", res.Pages, res.Invalid)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %v", res.Warnings)
	}
}

// FuzzParse feeds CSV text through the CSV reader and Parse. It checks that
// nothing panics, that every non-blank row ends up in exactly one of Pages
// and Invalid, that accepted pages obey Zoom's limits and that every
// problem names a column.
func FuzzParse(f *testing.F) {
	f.Add([]byte("Team,Hosts,Owner,Duration\nSales,\"a@x.com,b@x.com\",,30\n"))
	f.Add([]byte("team;hosts;availability\nA;a@x.com b@x.com;Mon 9-5\n\n;;\n"))
	// Hostile cells: a stray Latin-1 byte in a UTF-8 file, NUL, a formula.
	f.Add([]byte("Team,Hosts,Slug\nZ\xfcrich,\"a@x.com,b@x.com\",\nZürich,\"a@x.com,b@x.com\",Zur-ICH\n"))
	f.Add([]byte("Team,Hosts,Description\nSales\x00,\"a@x.com,b@x.com\",\x00\n=1+1,\"a@x.com,b@x.com\",=HYPERLINK(\"x\")\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		data, _ = decodeText(data)
		tb, _, err := tableFromCSV(data)
		if tb == nil || err != nil {
			return
		}
		res, err := Parse(tb, ParseOptions{Defaults: testDefaults, SlugPrefix: "zs-", Writeback: DefaultWritebackColumns()})
		if err != nil {
			var he *HeaderError
			if !errors.As(err, &he) || len(he.Problems) == 0 {
				t.Fatalf("unexpected error %T %v", err, err)
			}
			return
		}
		seen := map[int]int{}
		for _, p := range res.Pages {
			seen[p.Row]++
			if len(p.Hosts) < 2 || len(p.Hosts) > 30 || !containsStr(p.Hosts, p.Owner) || p.Key == "" ||
				len(p.Slug) < 3 || len(p.Slug) > 256 || !isSlug(p.Slug) || p.Duration < 15 || p.Duration > 1440 ||
				p.TimeZone == "" || p.Availability.IsZero() || len([]rune(p.Team)) > 256 ||
				!utf8.ValidString(p.Team) || strings.ContainsRune(p.Team, 0) || strings.Join(p.Hosts, "") != strings.ToValidUTF8(strings.Join(p.Hosts, ""), "") {
				t.Fatalf("invalid page accepted: %+v", p)
			}
		}
		for _, inv := range res.Invalid {
			seen[inv.Row]++
			if len(inv.Problems) == 0 {
				t.Fatalf("invalid row %d without problems", inv.Row)
			}
			for _, p := range inv.Problems {
				if p.Column == "" || p.Message == "" {
					t.Fatalf("row %d: problem without column or message: %+v", inv.Row, p)
				}
			}
		}
		for row, n := range seen {
			if n != 1 {
				t.Fatalf("row %d reported %d times", row, n)
			}
		}
		if len(seen) != res.Rows || len(res.Pages)+len(res.Invalid) != res.Rows {
			t.Fatalf("Rows = %d but %d pages + %d invalid", res.Rows, len(res.Pages), len(res.Invalid))
		}
		nonBlank := 0
		for _, r := range tb.Rows {
			for _, c := range r {
				if strings.TrimSpace(c) != "" {
					nonBlank++
					break
				}
			}
		}
		if res.Rows > nonBlank {
			t.Fatalf("Rows = %d > %d rows with any value", res.Rows, nonBlank)
		}
	})
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// TestPlainAddressAgreesWithNetMail checks the fast path never accepts what
// net/mail would reject or read differently.
func TestPlainAddressAgreesWithNetMail(t *testing.T) {
	for _, s := range []string{
		"a@x.com", "Ana.Li+demo@Example.COM", "a..b@x.com", ".a@x.com", "a.@x.com", "a@x..com", "a@.x.com",
		"a@x.com.", "a@-x.com", "o'neil@x.com", "a b@x.com", "a@x_y.com", "a@b@c.com", "@x.com", "a@", "a@x",
		"{a}@x.com", "a@[1.2.3.4]", "\"a\"@x.com", "é@x.com",
	} {
		fast, ok := plainAddress(s)
		if !ok {
			continue
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != fast {
			t.Errorf("plainAddress(%q) = %q, net/mail: %v %v", s, fast, a, err)
		}
	}
}
