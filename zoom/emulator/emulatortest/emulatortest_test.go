package emulatortest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// TestStartServesARealClient checks the wrapper end to end: the client
// options carry the emulator's defaults, and created_via reaches the
// client's Schedule.
func TestStartServesARealClient(t *testing.T) {
	srv := Start(t, emulator.Options{Mode: emulator.ModeCollective, Seed: 1}, Contract())
	if !emulator.IsLoopbackAddr(srv.Addr.String()) {
		t.Errorf("listening on %s", srv.Addr)
	}
	o := srv.ClientOptions()
	if o.ClientID != "emulator-client" || o.APIURL != srv.URL+"/v2" {
		t.Errorf("client options %+v", o)
	}
	c, err := zoom.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.CreateWebAppPage("ann@example.com", emulator.WebAppPage{
		Summary: "Sales", Slug: "sales", Hosts: []string{"bob@example.com"}, Kind: emulator.KindAnyHost}); err != nil {
		t.Fatal(err)
	}
	pages, err := c.ListSchedules(context.Background(), "ann@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || pages[0].CreatedVia != "web" || pages[0].ScheduleType != zoom.ScheduleTypeMultiple ||
		len(pages[0].AvailabilityRules) != 2 {
		t.Errorf("pages %+v", pages)
	}
}

// recordingTB keeps the errors and cleanups of a test, so that a test can
// see what Start reports when its test ends.
type recordingTB struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// end runs the cleanups as the test's end would, and returns the errors.
func (r *recordingTB) end() []string {
	for _, f := range slices.Backward(r.cleanups) {
		f()
	}
	r.cleanups = nil
	return r.errs
}

func startClient(t *testing.T, tb testing.TB, opts emulator.Options, options ...Option) (*Server, *zoom.Client) {
	t.Helper()
	srv := Start(tb, opts, options...)
	o := srv.ClientOptions()
	o.RateLimit, o.MinBackoff, o.MaxBackoff, o.MaxRetries = 10000, time.Millisecond, time.Millisecond, 1
	c, err := zoom.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// noCapacity is a create body without capacity, which the document
// requires and the emulator accepts.
func noCapacity(slug string) *zoom.ScheduleCreate {
	hours := &zoom.WeeklyHours{Mon: []zoom.TimeRange{{Start: "09:00", End: "17:00"}}}
	return &zoom.ScheduleCreate{Summary: "Team " + slug, Duration: 30, Slug: slug, ScheduleType: zoom.ScheduleTypeMultiple,
		AvailabilityOverride: true, TimeZone: "UTC",
		AvailabilityRules: []zoom.AvailabilityRule{{Email: "ann@example.com", UseCustom: true, TimeZone: "UTC", SegmentsRecurrence: hours}}}
}

// TestContractFailsTheTest shows that a violation fails the test that made
// it, once per distinct finding, and that a test without violations passes.
func TestContractFailsTheTest(t *testing.T) {
	t.Setenv(EnvContract, "")
	ctx := context.Background()

	tb := &recordingTB{TB: t}
	_, c := startClient(t, tb, emulator.Options{Seed: 1}, Contract())
	for _, slug := range []string{"one", "two"} {
		if _, err := c.CreateSchedule(ctx, "ann@example.com", noCapacity(slug)); err != nil {
			t.Fatal(err)
		}
	}
	errs := tb.end()
	if len(errs) != 1 || !strings.Contains(errs[0], `"capacity"`) || !strings.Contains(errs[0], "(2 times)") {
		t.Errorf("errors %q, want one about capacity, seen twice", errs)
	}

	tb = &recordingTB{TB: t}
	_, c = startClient(t, tb, emulator.Options{Seed: 1}, Contract())
	body := noCapacity("three")
	body.Capacity = 1
	if _, err := c.CreateSchedule(ctx, "ann@example.com", body); err != nil {
		t.Fatal(err)
	}
	if errs := tb.end(); len(errs) != 0 {
		t.Errorf("errors %q for a valid create", errs)
	}

	// Without the option nothing is checked.
	tb = &recordingTB{TB: t}
	_, c = startClient(t, tb, emulator.Options{Seed: 1})
	if _, err := c.CreateSchedule(ctx, "ann@example.com", noCapacity("four")); err != nil {
		t.Fatal(err)
	}
	if errs := tb.end(); len(errs) != 0 {
		t.Errorf("errors %q without the contract check", errs)
	}
}

// TestContractEnvironment shows that ZOOMSYNC_CONTRACT overrides the option
// both ways.
func TestContractEnvironment(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		env     string
		options []Option
		checked bool
	}{
		{"1", nil, true},
		{"0", []Option{Contract()}, false},
		{"yes", []Option{Contract()}, true},
	} {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv(EnvContract, tt.env)
			tb := &recordingTB{TB: t}
			_, c := startClient(t, tb, emulator.Options{Seed: 1}, tt.options...)
			if _, err := c.CreateSchedule(ctx, "ann@example.com", noCapacity("one")); err != nil {
				t.Fatal(err)
			}
			if errs := tb.end(); (len(errs) > 0) != tt.checked {
				t.Errorf("errors %q, want checked = %v", errs, tt.checked)
			}
		})
	}
}

// TestContractLostAnswers shows that answers the emulator never sends (a
// dropped connection, a client that gave up on a late commit) pass through
// the checker unchanged and are not reported as violations.
func TestContractLostAnswers(t *testing.T) {
	t.Setenv(EnvContract, "")
	ctx := context.Background()
	tb := &recordingTB{TB: t}
	srv, c := startClient(t, tb, emulator.Options{Seed: 1}, Contract())
	body := noCapacity("dropped")
	body.Capacity = 1

	srv.InjectFault(emulator.Fault{Method: "POST", Drop: true})
	if _, err := c.CreateSchedule(ctx, "ann@example.com", body); !zoom.IsOutcomeUnknown(err) {
		t.Errorf("create with a dropped answer: %v, want an unknown outcome", err)
	}
	if got := srv.Stats().DroppedResponses; got != 1 {
		t.Errorf("dropped responses = %d", got)
	}

	if err := srv.SetKnobs(emulator.Knobs{LateCommitMS: new(int(time.Hour / time.Millisecond))}); err != nil {
		t.Fatal(err)
	}
	body.Slug = "late"
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.CreateSchedule(short, "ann@example.com", body); err == nil {
		t.Error("create with a late commit answered before the commit")
	}
	// The end of the test waits for the abandoned request, and closing
	// the emulator lands its page.
	if errs := tb.end(); len(errs) != 0 {
		t.Errorf("errors %q", errs)
	}
	if got := srv.Stats().LateCommits; got != 1 {
		t.Errorf("late commits = %d, want the abandoned create", got)
	}
}

// TestContractExpect shows that an expected violation is not reported, and
// that one that does not happen fails the test.
func TestContractExpect(t *testing.T) {
	t.Setenv(EnvContract, "")
	ctx := context.Background()
	tb := &recordingTB{TB: t}
	srv, c := startClient(t, tb, emulator.Options{Seed: 1}, Contract())
	srv.Expect(`property "capacity" is missing`)
	srv.Expect("/slug: minimum string length")
	if _, err := c.CreateSchedule(ctx, "ann@example.com", noCapacity("one")); err != nil {
		t.Fatal(err)
	}
	errs := tb.end()
	if len(errs) != 1 || !strings.Contains(errs[0], `no violation mentions "/slug: minimum string length"`) {
		t.Errorf("errors %q, want only the unmet expectation", errs)
	}
}

// TestCloseDoesNotWaitForIdleConnections shows that a connection the
// client opened but never used does not hold the end of the test (a
// graceful shutdown waits 5 s for one), with and without the contract
// check, and that Close can be called again.
func TestCloseDoesNotWaitForIdleConnections(t *testing.T) {
	t.Setenv(EnvContract, "")
	for name, options := range map[string][]Option{"plain": nil, "contract": {Contract()}} {
		t.Run(name, func(t *testing.T) {
			srv := Start(t, emulator.Options{Seed: 1}, options...)
			conn, err := net.Dial("tcp", srv.Addr.String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("Close took %v", d)
			}
			if err := srv.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if _, err := http.Get(srv.URL + "/v2/scheduler/schedules"); err == nil {
				t.Error("the server still answers after Close")
			}
		})
	}
}
