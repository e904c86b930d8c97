package sync

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// rewriteBody edits every answer body of Zoom before the client reads it.
type rewriteBody struct {
	base http.RoundTripper
	edit func([]byte) []byte
}

func (r rewriteBody) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	data = r.edit(data)
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	resp.Header.Del("Content-Length")
	return resp, nil
}

var createdViaField = regexp.MustCompile(`,"created_via":"[^"]*"`)

// Zoom's created_via values are not documented: a value other than "api"
// (here "web_app") does not make the admin's One to One page zoomsync's.
func TestWebAppPageWithOtherCreatedViaIsNeverDeleted(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{})
	e.rec.base = rewriteBody{e.rec.base, func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte(`"created_via":"web"`), []byte(`"created_via":"web_app"`))
	}}
	own, err := e.emu.CreateWebAppPage("ann@example.com", emulator.WebAppPage{Summary: "Sales", Slug: "sales-emea", Hosts: []string{"ann@example.com"}, Kind: emulator.KindOneToOne})
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := e.run(roster)
	if !pageExists(e, own.ScheduleID) {
		t.Fatal("the admin's One to One web-app page was deleted (created_via value other than \"web\")")
	}
	if c := plan.Changes[0]; c.NeedsManual == "" {
		t.Errorf("row: %+v, want needs-manual", c)
	}
}

// Where Zoom's listing lacks created_via, a One to One page with the row's
// slug and custom hours on every rule (what zoomsync writes, and what an
// admin can set in the web app) is not taken for zoomsync's: it is
// reported, never deleted.
func TestStrayOneToOnePageWithoutCreatedViaNeedsManual(t *testing.T) {
	e := newEnv(t, func(o *emulator.Options) { o.Mode = emulator.ModeDowngrade }, Options{})
	const sheetText = "team | hosts\nSales EMEA | ann@example.com, bob@example.com\n"
	stray, err := e.client.CreateSchedule(context.Background(), "ann@example.com", createBody(&parse(t, sheetText, "").Pages[0]))
	if err != nil {
		t.Fatal(err)
	}
	e.rec.base = rewriteBody{e.rec.base, func(b []byte) []byte { return createdViaField.ReplaceAll(b, nil) }}
	e.emu.ResetStats()
	plan, _ := e.run(sheetText)
	if n := e.emu.Stats().Requests["DELETE /v2/scheduler/schedules/{scheduleId}"]; n != 0 || !pageExists(e, stray.ScheduleID) {
		t.Fatalf("%d deletes; a page whose listing lacks created_via must never be deleted", n)
	}
	c := plan.Changes[0]
	if c.NeedsManual == "" || !strings.Contains(c.NeedsManual, "One to One") {
		t.Errorf("row: %+v, want needs-manual naming the One to One page", c)
	}
}

// Two pages with a row's slug, neither marked "api" by the listing: both
// stay, whatever sync.dedupe says.
func TestDuplicateWithoutCreatedViaIsOnlyReported(t *testing.T) {
	e := newEnv(t, nil, Options{Dedupe: "delete"})
	e.opts.Verdicts.Save("", Verdict{Result: VerdictHonoured, FoundAt: time.Now()})
	const sheetText = "team | hosts\nSales | ann@example.com, bob@example.com\n"
	e.run(sheetText)
	if err := e.emu.Seed(emulator.Seed{Pages: []emulator.SeedPage{{Owner: "ann@example.com", CreatedVia: "api",
		WebAppPage: emulator.WebAppPage{Summary: "Sales", Slug: "sales", Hosts: []string{"ann@example.com", "bob@example.com"}}}}}); err != nil {
		t.Fatal(err)
	}
	e.rec.base = rewriteBody{e.rec.base, func(b []byte) []byte { return createdViaField.ReplaceAll(b, nil) }}
	e.emu.ResetStats()
	e.run(sheetText)
	if n := e.emu.Stats().Requests["DELETE /v2/scheduler/schedules/{scheduleId}"]; n != 0 || len(e.emu.Pages("", false)) != 2 {
		t.Errorf("%d deletes of a duplicate not marked created_via api", n)
	}
}

func pageExists(e *env, id string) bool {
	for _, p := range e.emu.Pages("", false) {
		if p.ScheduleID == id {
			return true
		}
	}
	return false
}
