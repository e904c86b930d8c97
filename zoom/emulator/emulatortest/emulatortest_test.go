package emulatortest

import (
	"context"
	"testing"

	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// TestStartServesARealClient checks the wrapper end to end: the client
// options carry the emulator's defaults, and created_via reaches the
// client's Schedule.
func TestStartServesARealClient(t *testing.T) {
	srv := Start(t, emulator.Options{Mode: emulator.ModeCollective, Seed: 1})
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
