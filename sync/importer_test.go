package sync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// importRoster sets every column a row can set, two teams named alike under
// two owners, an inactive page and hours with gaps and a Saturday.
const importRoster = `
team       | hosts                                             | key         | owner           | duration | timezone         | availability                                      | description            | location | buffer_before | buffer_after | min_notice | increment | daily_limit | active
Sales EMEA | ann@example.com, bob@example.com                  |             |                 | 45       | Europe/Berlin    | Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00 | Pipeline, weekly       | Room 4   | 10            | 5            | 120        | 15        | 8           | TRUE
Support    | cat@example.com, dan@example.com, eve@example.com | support-cat |                 |          |                  | Mon-Thu 08:00-12:00                               |                        |          |               |              |            |           |             | FALSE
Support    | ann@example.com, fay@example.com                  | support-fay | fay@example.com | 60       | America/New_York | Tue 22:00-24:00                                    |                        |          |               |              |            |           |             |
Recruiting | ann@example.com, fay@example.com                  |             |                 | 30       | UTC              |                                                   |                        |          |               |              |            |           |             |
`

var importOwnersAll = []string{"ann@example.com", "bob@example.com", "cat@example.com", "dan@example.com", "eve@example.com", "fay@example.com"}

// seedImport makes the roster's pages the way zoomsync does (collective
// mode), gives one a multi-line description and adds a One to One page.
func seedImport(t *testing.T, e *env) {
	t.Helper()
	_, rep := e.run(importRoster)
	if rep.Failed() || rep.Tally().Created != 4 {
		t.Fatalf("seeding: %s", rep.Summary())
	}
	ctx := context.Background()
	sales := result(t, rep, "sales-emea")
	desc := "Line one, with a comma\nLine \"two\""
	if err := e.client.PatchSchedule(ctx, "ann@example.com", sales.ScheduleID, &zoom.SchedulePatch{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	hours := &zoom.WeeklyHours{Mon: []zoom.TimeRange{{Start: "09:00", End: "10:00"}}}
	_, err := e.client.CreateSchedule(ctx, "ann@example.com", &zoom.ScheduleCreate{
		Summary: "Ann 1:1", Duration: 30, Capacity: 1, Slug: "ann-one", ScheduleType: zoom.ScheduleTypeOne, AvailabilityOverride: true,
		AvailabilityRules: []zoom.AvailabilityRule{{Email: "ann@example.com", UseCustom: true, TimeZone: "UTC", SegmentsRecurrence: hours}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// parseOpts are a config's parse settings whose defaults differ from every
// seeded page, so a row that leaned on them would show up as a change.
func parseOpts(prefix string) sheet.ParseOptions {
	return sheet.ParseOptions{
		Defaults:   sheet.Defaults{TimeZone: "Asia/Tokyo", Duration: 90, Availability: "Sun 10:00-11:00"},
		SlugPrefix: prefix,
		Writeback:  sheet.DefaultWritebackColumns(),
	}
}

// readCSV reads a roster file with the CSV source that `plan` uses.
func readCSV(path string) (*sheet.Table, error) {
	src, err := sheet.Open(context.Background(), sheet.SourceConfig{Type: sheet.TypeCSV, Path: path}, sheet.OpenOptions{})
	if err != nil {
		return nil, err
	}
	return src.Read(context.Background())
}

// readBack writes the import to a CSV file and reads it with the CSV source
// and parser that `plan` uses.
func readBack(t *testing.T, im *Imported, po sheet.ParseOptions) (*sheet.Result, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := im.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	table, err := readCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sheet.Parse(table, po)
	if err != nil {
		t.Fatal(err)
	}
	return res, buf.String()
}

// actions maps each change's slug to its action, or to its problem
// (invalid, needs-manual) when it has one.
func actions(plan *Plan) map[string]string {
	m := map[string]string{}
	for _, c := range plan.Changes {
		switch {
		case len(c.Invalid) > 0:
			m[c.Slug] = "invalid"
		case c.NeedsManual != "":
			m[c.Slug] = "needs-manual"
		default:
			m[c.Slug] = string(c.Action)
		}
	}
	return m
}

func TestImportRoundTrip(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "team-"})
	seedImport(t, e)
	e.emu.ResetStats()
	e.rec.reset()

	po := parseOpts("team-")
	im, err := Import(context.Background(), e.client, ImportOptions{Owners: importOwnersAll, Parse: po})
	if err != nil {
		t.Fatal(err)
	}
	// Calls: no users list (owners given), one listing per owner, nothing else.
	st := e.emu.Stats()
	if got, want := st.Requests["GET /v2/scheduler/schedules"], len(importOwnersAll); got != want {
		t.Errorf("%d listing calls, want %d (one per owner)", got, want)
	}
	if n := len(e.rec.reqs); n != len(importOwnersAll) {
		t.Errorf("%d API calls, want %d: %+v", n, len(importOwnersAll), e.rec.reqs)
	}
	if st.Writes() != 0 {
		t.Errorf("import wrote %d times", st.Writes())
	}
	if len(im.Notes) != 0 {
		t.Errorf("notes on pages zoomsync made:\n%s", strings.Join(im.Notes, "\n"))
	}
	if im.Owners != 6 || im.Pages != 5 || im.MultiHost != 4 || im.SkippedOneToOne != 1 || im.OneToOne != 0 {
		t.Errorf("counts: %+v", im)
	}

	res, text := readBack(t, im, po)
	wantHeader := "team,hosts,key,owner,duration,timezone,availability,description,location,slug,active,buffer_before,buffer_after,min_notice,increment,daily_limit,schedule_id"
	if got, _, _ := strings.Cut(text, "\n"); got != wantHeader {
		t.Errorf("header:\n got %s\nwant %s", got, wantHeader)
	}
	// Owner, then slug; colliding team names got keys; hours in the sheet's syntax.
	var got [][]string
	for _, p := range res.Pages {
		got = append(got, []string{p.Owner, p.Slug, p.Key, strings.Join(p.Hosts, " "), p.AvailabilityText, p.TimeZone})
	}
	want := [][]string{
		{"ann@example.com", "team-recruiting", "recruiting", "ann@example.com fay@example.com", "Mon-Fri 09:00-17:00", "UTC"},
		{"ann@example.com", "team-sales-emea", "sales-emea", "ann@example.com bob@example.com", "Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00", "Europe/Berlin"},
		{"cat@example.com", "team-support-cat", "team-support-cat", "cat@example.com dan@example.com eve@example.com", "Mon-Thu 08:00-12:00", "UTC"},
		{"fay@example.com", "team-support-fay", "team-support-fay", "fay@example.com ann@example.com", "Tue 22:00-24:00", "America/New_York"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s\n%s", diff, text)
	}
	if len(res.Invalid) != 0 || len(res.Warnings) != 0 {
		t.Errorf("read back: invalid %v, warnings %v", res.Invalid, res.Warnings)
	}

	// The round trip: plan on the imported roster changes nothing.
	plan, err := New(e.client, e.opts).Plan(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.Empty() || plan.HasProblems() || plan.Count(ActionNone) != 4 {
		for _, c := range plan.Changes {
			t.Logf("%s %s: %+v %v", c.Action, c.Slug, c.Fields, c.Reasons())
		}
		t.Fatalf("plan on the imported roster is not a no-op: %v", actions(plan))
	}
}

func TestImportOneToOneStaysOutOfMultiHost(t *testing.T) {
	e := newEnv(t, nil, Options{SlugPrefix: "team-"})
	seedImport(t, e)
	po := parseOpts("team-")
	im, err := Import(context.Background(), e.client, ImportOptions{Owners: []string{"ann@example.com"}, IncludeOneToOne: true, Parse: po})
	if err != nil {
		t.Fatal(err)
	}
	if im.OneToOne != 1 || im.MultiHost != 2 || im.SkippedOneToOne != 0 {
		t.Errorf("counts: %+v", im)
	}
	res, text := readBack(t, im, po)
	if !strings.Contains(text, ",ann-one,TRUE,") || !strings.Contains(text, ","+PageTypeOneToOne+"\n") ||
		!strings.Contains(text, ","+PageTypeMultiHost+"\n") || !strings.HasSuffix(strings.SplitN(text, "\n", 2)[0], ",schedule_id,"+PageTypeColumn) {
		t.Errorf("roster does not mark the page types:\n%s", text)
	}
	// The parser ignores the marker column (one warning) and rejects the
	// one-host row; the multi-host rows are unchanged.
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, `"`+PageTypeColumn+`"`) }) {
		t.Errorf("warnings = %q, want one naming the ignored %s column", res.Warnings, PageTypeColumn)
	}
	if len(im.Notes) != 1 || !strings.Contains(im.Notes[0], `slug "ann-one" does not start with slug_prefix`) {
		t.Errorf("notes = %q, want only the slug prefix warning", im.Notes)
	}
	plan, err := New(e.client, e.opts).Plan(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	wantActions := map[string]string{"ann-one": "invalid", "team-recruiting": "none", "team-sales-emea": "none"}
	if diff := cmp.Diff(wantActions, actions(plan)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if !plan.Empty() {
		t.Error("plan would write")
	}

	// An admin who adds a host to that row gets needs-manual, never an
	// update or a create: the page cannot become a multi-host page.
	edited := strings.Replace(text, "Ann 1:1,ann@example.com,", "Ann 1:1,\"ann@example.com, bob@example.com\",", 1)
	if edited == text {
		t.Fatalf("row not found in:\n%s", text)
	}
	path := filepath.Join(t.TempDir(), "edited.csv")
	os.WriteFile(path, []byte(edited), 0o600)
	table, err := readCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err = sheet.Parse(table, po)
	if err != nil {
		t.Fatal(err)
	}
	plan, err = New(e.client, e.opts).Plan(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(plan)["ann-one"]; got != "needs-manual" || !plan.Empty() {
		t.Errorf("one-to-one row with two hosts: %s (plan empty %v), want needs-manual", got, plan.Empty())
	}
}

// TestImportWebAppPages imports pages made in the web app, which use their
// hosts' own calendars: the import says so, the plan adds nothing and
// changes only that, and after one sync the round trip is exact.
func TestImportWebAppPages(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{})
	for _, wp := range []struct {
		owner string
		page  emulator.WebAppPage
	}{
		{"ann@example.com", emulator.WebAppPage{Summary: "Sales", Slug: "sales", Hosts: []string{"bob@example.com"}, Duration: 45}},
		{"cat@example.com", emulator.WebAppPage{Summary: "Support", Slug: "support", Hosts: []string{"cat@example.com", "dan@example.com"}, TimeZone: "Europe/Paris"}},
	} {
		if _, err := e.emu.CreateWebAppPage(wp.owner, wp.page); err != nil {
			t.Fatal(err)
		}
	}
	po := parseOpts("")
	owners := []string{"ann@example.com", "cat@example.com"}
	im, err := Import(context.Background(), e.client, ImportOptions{Owners: owners, Parse: po})
	if err != nil {
		t.Fatal(err)
	}
	if im.MultiHost != 2 || im.OwnCalendars != 2 || len(im.Notes) != 2 || !strings.Contains(im.Notes[0], "own calendar") {
		t.Errorf("import: %+v\n%s", im, strings.Join(im.Notes, "\n"))
	}
	res, _ := readBack(t, im, po)
	eng := New(e.client, e.opts)
	plan, err := eng.Plan(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	if plan.HasProblems() || plan.Count(ActionCreate) != 0 {
		t.Fatalf("plan: %v", actions(plan))
	}
	for _, c := range plan.Changes {
		for _, f := range c.Fields {
			if f.Column != "availability" {
				t.Errorf("%s: plan changes %s (%s → %s); only the hosts' calendars → custom hours may change", c.Slug, f.Column, f.Before, f.After)
			}
		}
	}
	if rep := eng.Apply(context.Background(), plan); rep.Failed() {
		t.Fatalf("sync: %s", rep.Summary())
	}

	// Now the pages carry the row's hours: importing again is exact.
	im, err = Import(context.Background(), e.client, ImportOptions{Owners: owners, Parse: po})
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Notes) != 0 {
		t.Errorf("notes after sync:\n%s", strings.Join(im.Notes, "\n"))
	}
	res, _ = readBack(t, im, po)
	plan, err = eng.Plan(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.Empty() || plan.HasProblems() || plan.Count(ActionNone) != 2 {
		t.Errorf("second round trip: %v", actions(plan))
	}
}

// listedUsers serves AllUsers from a fixed list and everything else from the
// emulator, for the default-owners path.
type listedUsers struct {
	*zoom.Client
	users []zoom.AccountUser
	calls int
}

func (l *listedUsers) AllUsers(ctx context.Context, status string) iter.Seq2[zoom.AccountUser, error] {
	l.calls++
	return func(yield func(zoom.AccountUser, error) bool) {
		for _, u := range l.users {
			if u.Status == status && !yield(u, nil) {
				return
			}
		}
	}
}

func TestImportDefaultsToActiveUsers(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) {
		o.Users = []string{"ann@example.com", "bob@example.com", "cat@example.com", "dan@example.com", "eve@example.com", "fay@example.com"}
	}, Options{SlugPrefix: "team-"})
	seedImport(t, e)
	e.emu.ResetStats()
	z := &listedUsers{Client: e.client, users: []zoom.AccountUser{
		{ID: "1", Email: "Ann@Example.com", Status: "active"},
		{ID: "2", Email: "cat@example.com", Status: "active"},
		{ID: "3", Email: "fay@example.com", Status: "active"},
		{ID: "4", Email: "gone@example.com", Status: "inactive"},
		{ID: "5", Email: "nosched@example.com", Status: "active"}, // no Scheduler: 403 User Not Found
	}}
	im, err := Import(context.Background(), z, ImportOptions{Parse: parseOpts("team-")})
	if err != nil {
		t.Fatal(err)
	}
	if z.calls != 1 || im.Owners != 3 || im.MultiHost != 4 || !slices.Equal(im.NoScheduler, []string{"nosched@example.com"}) {
		t.Errorf("users calls %d, import %+v", z.calls, im)
	}
	if got := e.emu.Stats().Requests["GET /v2/scheduler/schedules"]; got != 4 {
		t.Errorf("%d listings, want 4 (one per active user)", got)
	}
	if s := im.Summary(); !strings.Contains(s, "4 multi-host pages of 3 owners imported") || !strings.Contains(s, "1 user without Scheduler skipped") {
		t.Errorf("summary %q", s)
	}
}

func TestImportPaginatesListings(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.PageSizeMax = 2 }, Options{})
	for _, slug := range []string{"e-five", "a-one", "c-three", "b-two", "d-four"} {
		if _, err := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Team " + slug, Slug: slug, Hosts: []string{"bob@example.com"}}); err != nil {
			t.Fatal(err)
		}
	}
	e.emu.ResetStats()
	im, err := Import(context.Background(), e.client, ImportOptions{Owners: []string{"ann@example.com", "bob@example.com"}, Parse: parseOpts("")})
	if err != nil {
		t.Fatal(err)
	}
	// ann: ceil(5/2) = 3 pages of listing; bob: 1 (empty).
	if got := e.emu.Stats().Requests["GET /v2/scheduler/schedules"]; got != 4 {
		t.Errorf("%d listing calls, want 4", got)
	}
	var slugs []string
	for _, r := range im.Rows {
		slugs = append(slugs, r[slices.Index(im.Header, "slug")])
	}
	if want := []string{"a-one", "b-two", "c-three", "d-four", "e-five"}; !slices.Equal(slugs, want) {
		t.Errorf("slugs %v, want %v (sorted)", slugs, want)
	}
}

func TestImportFailures(t *testing.T) {
	t.Run("listing fails", func(t *testing.T) {
		e := newEnv(t, nil, Options{})
		e.emu.InjectFault(emulator.Fault{Method: "GET", Path: "/v2/scheduler/schedules", Status: 503, Count: 100})
		im, err := Import(context.Background(), e.client, ImportOptions{Owners: []string{"ann@example.com"}, Parse: parseOpts("")})
		if err == nil || im != nil || !strings.Contains(err.Error(), "listing the pages of ann@example.com") {
			t.Fatalf("Import = %v, %v; want an error naming the owner and no roster", im, err)
		}
	})
	t.Run("named owner without Scheduler", func(t *testing.T) {
		e := newEnv(t, func(o *emulator.Options) { o.Users = []string{"ann@example.com"} }, Options{})
		_, err := Import(context.Background(), e.client, ImportOptions{Owners: []string{"ann@example.com", "typo@example.com"}, Parse: parseOpts("")})
		if err == nil || !strings.Contains(err.Error(), "typo@example.com has no Zoom Scheduler profile") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing scope is fatal", func(t *testing.T) {
		e := newEnv(t, nil, Options{})
		e.emu.InjectFault(emulator.Fault{Method: "GET", Path: "/v2/scheduler/schedules", Status: 401, Count: 100})
		_, err := Import(context.Background(), e.client, ImportOptions{Owners: []string{"ann@example.com", "bob@example.com"}, Parse: parseOpts("")})
		var fe *FatalError
		if !errors.As(err, &fe) {
			t.Fatalf("err = %v, want a FatalError", err)
		}
	})
}

// TestImportNotesRowsPlanWouldChange covers pages a row cannot reproduce:
// the import still writes them, and says what plan will do.
func TestImportNotesRowsPlanWouldChange(t *testing.T) {
	e := newEnv(t, nil, Options{})
	ctx := context.Background()
	mon := &zoom.WeeklyHours{Mon: []zoom.TimeRange{{Start: "09:00", End: "12:00"}}}
	tue := &zoom.WeeklyHours{Tue: []zoom.TimeRange{{Start: "09:00", End: "12:00"}}}
	mk := func(slug string, rules ...zoom.AvailabilityRule) {
		t.Helper()
		_, err := e.client.CreateSchedule(ctx, "ann@example.com", &zoom.ScheduleCreate{Summary: "T " + slug, Duration: 30, Capacity: 1, Slug: slug,
			ScheduleType: zoom.ScheduleTypeMultiple, AvailabilityOverride: true, AvailabilityRules: rules, TimeZone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
	}
	rule := func(email string, w *zoom.WeeklyHours) zoom.AvailabilityRule {
		return zoom.AvailabilityRule{Email: email, UseCustom: true, TimeZone: "UTC", SegmentsRecurrence: w}
	}
	mk("split-hours", rule("ann@example.com", mon), rule("bob@example.com", tue))
	mk("owner-not-host", rule("bob@example.com", mon), rule("cat@example.com", mon))
	im, err := Import(ctx, e.client, ImportOptions{Owners: []string{"ann@example.com"}, Parse: parseOpts("")})
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Rows) != 2 || len(im.Notes) != 2 {
		t.Fatalf("rows %d, notes:\n%s", len(im.Rows), strings.Join(im.Notes, "\n"))
	}
	if !strings.Contains(im.Notes[0], "page owner-not-host of ann@example.com): plan will report the row invalid") ||
		!strings.Contains(im.Notes[0], "not one of the hosts") {
		t.Errorf("note 0: %s", im.Notes[0])
	}
	if !strings.Contains(im.Notes[1], "page split-hours of ann@example.com): plan will update availability") {
		t.Errorf("note 1: %s", im.Notes[1])
	}
}

// TestImportUsesColumnAliases writes the header texts the config maps the
// columns to, so the roster reads back with that config.
func TestImportUsesColumnAliases(t *testing.T) {
	e := newEnv(t, nil, Options{})
	e.run(`
team  | hosts
Sales | ann@example.com, bob@example.com
`)
	po := parseOpts("")
	po.Aliases = map[string]string{"team": "Team name", "hosts": "Members"}
	im, err := Import(context.Background(), e.client, ImportOptions{Owners: []string{"ann@example.com"}, Parse: po})
	if err != nil {
		t.Fatal(err)
	}
	if im.Header[0] != "Team name" || im.Header[1] != "Members" || len(im.Notes) != 0 {
		t.Errorf("header %q, notes %q", im.Header, im.Notes)
	}
	res, _ := readBack(t, im, po)
	plan, err := New(e.client, e.opts).Plan(context.Background(), res)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.Empty() || plan.HasProblems() || plan.Count(ActionNone) != 1 {
		t.Errorf("plan: %v", actions(plan))
	}
}

// failingUsers answers GET /users with an error.
type failingUsers struct {
	*zoom.Client
	err error
}

func (f failingUsers) AllUsers(context.Context, string) iter.Seq2[zoom.AccountUser, error] {
	return func(yield func(zoom.AccountUser, error) bool) { yield(zoom.AccountUser{}, f.err) }
}

func TestImportUsersListFails(t *testing.T) {
	e := newEnv(t, nil, Options{})
	scope := &zoom.APIError{Method: "GET", Path: "/users", Status: 400, Code: 4711, Message: "Invalid access token, does not contain scopes:[user:read:admin]"}
	_, err := Import(context.Background(), failingUsers{e.client, scope}, ImportOptions{Parse: parseOpts("")})
	var fe *FatalError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "name the owners with --owner") {
		t.Fatalf("err = %v, want a FatalError with the way out", err)
	}
	if n := e.emu.Stats().Requests["GET /v2/scheduler/schedules"]; n != 0 {
		t.Errorf("%d listings after the users list failed", n)
	}
}

// TestImportCallsForNOwners imports every active user's pages at the
// emulator and counts the calls: ceil(users/page size) user-list calls
// plus, per user, ceil(pages/page size) listings (at least one), plus one
// token. Zoom's page size is 300; a small one shows the pagination.
func TestImportCallsForNOwners(t *testing.T) {
	const n = 50
	var users []string
	for i := range n {
		users = append(users, fmt.Sprintf("owner%02d@example.com", i))
	}
	for _, size := range []int{300, 10} {
		t.Run(fmt.Sprintf("page size %d", size), func(t *testing.T) {
			e := newEnv(t, func(o *emulator.Options) {
				o.Users = append(slices.Clone(users), "host@example.com")
				o.PageSizeMax = size
			}, Options{})
			for i, u := range users {
				if _, err := e.emu.CreateWebAppPage(u, emulator.WebAppPage{Summary: fmt.Sprintf("Team %02d", i), Slug: fmt.Sprintf("team-%02d", i), Hosts: []string{"host@example.com"}}); err != nil {
					t.Fatal(err)
				}
			}
			e.emu.ResetStats()
			im, err := Import(context.Background(), e.client, ImportOptions{Parse: parseOpts("")})
			if err != nil {
				t.Fatal(err)
			}
			// The account's users: the n owners, the shared host and the admin.
			accountUsers := n + 2
			if im.Owners != accountUsers || im.MultiHost != n || len(im.Rows) != n {
				t.Errorf("import: %d owners, %d pages, %d rows", im.Owners, im.MultiHost, len(im.Rows))
			}
			st := e.emu.Stats()
			usersCalls, listings := st.Requests["GET /v2/users"], st.Requests["GET /v2/scheduler/schedules"]
			wantUsers := (accountUsers + size - 1) / size
			if usersCalls != wantUsers || listings != accountUsers {
				t.Errorf("%d users calls and %d listings, want %d and %d", usersCalls, listings, wantUsers, accountUsers)
			}
			total := 0
			for _, c := range st.Requests {
				total += c
			}
			if want := 1 + wantUsers + accountUsers; total != want {
				t.Errorf("%d calls in all (%v), want %d", total, st.Requests, want)
			}
			t.Logf("%d account users, %d pages: %d calls (1 token, %d users, %d listings)", accountUsers, n, total, usersCalls, listings)
		})
	}
}

func TestImportNotesFormulaLikeCells(t *testing.T) {
	e := newEnv(t, nil, Options{})
	e.run(`
team       | hosts
=1+1 Sales | ann@example.com, bob@example.com
`)
	im, err := Import(context.Background(), e.client, ImportOptions{Owners: []string{"ann@example.com"}, Parse: parseOpts("")})
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Notes) != 1 || !strings.Contains(im.Notes[0], `the team cell starts with "="`) {
		t.Errorf("notes %q", im.Notes)
	}
}
