// Package sync is zoomsync's engine: it matches sheet rows to Zoom booking
// pages, plans the changes that make Zoom match the sheet, applies them with
// bounded concurrency, verifies what Zoom stored, prunes with guards and
// reports every outcome. Import it as zsync where the standard library's
// sync is also needed.
//
// A plan and its report share one vocabulary: an Action says only what to
// do to Zoom; what stands in the way (an invalid row, a change Zoom's API
// cannot make, an error) is said by diagnostic fields of their own; a
// Result adds a Status saying how far the action got.
package sync

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
)

// Action is what a plan does to Zoom for one row or page.
type Action string

// Actions. Only create, update, deactivate and delete write to Zoom.
const (
	ActionCreate     Action = "create"
	ActionUpdate     Action = "update"
	ActionNone       Action = "none"
	ActionDeactivate Action = "deactivate"
	ActionDelete     Action = "delete"
	// ActionCreateInWebApp is the admin's to do: Zoom's API does not make
	// All Hosts Available pages, so the row's page is made once in the Zoom
	// web app with the slug in Change.ToDo; the next run adopts it.
	ActionCreateInWebApp Action = "create-in-web-app"
)

// Actions lists every action, in the order summaries use.
var Actions = []Action{ActionCreate, ActionUpdate, ActionCreateInWebApp, ActionDeactivate, ActionDelete, ActionNone}

// Writes reports whether the action writes to Zoom.
func (a Action) Writes() bool {
	return a == ActionCreate || a == ActionUpdate || a == ActionDeactivate || a == ActionDelete
}

// Causes of a page-level change (a page, not a row: Change.Row is 0).
const (
	CausePrune      = "prune"      // its slug has the prefix, no row claims it and prune is on
	CauseUnclaimed  = "unclaimed"  // its slug has the prefix and no row claims it
	CauseDuplicate  = "duplicate"  // a second page with a row's slug under the same owner
	CauseDowngraded = "downgraded" // a One to One page zoomsync created for a multi-host row
)

// Change is the plan for one row (Row > 0) or one page no row drives
// (Row == 0: prune, clean-up, duplicates, unclaimed pages).
type Change struct {
	Action     Action `json:"action"`
	Row        int    `json:"row,omitempty"` // sheet row number; 0 for a page
	Key        string `json:"key,omitempty"`
	Team       string `json:"team,omitempty"`
	Owner      string `json:"owner,omitempty"` // user_id used for API calls
	ScheduleID string `json:"schedule_id,omitempty"`
	Slug       string `json:"slug,omitempty"`
	URL        string `json:"booking_url,omitempty"`
	Match      string `json:"match,omitempty"` // how the page was found: schedule_id | booking_link | slug
	// Cause says why a page-level change exists (Cause* constants).
	Cause string `json:"cause,omitempty"`
	// Adopt marks an update that brings a page made in the Zoom web app in
	// step for the first time.
	Adopt bool `json:"adopt,omitempty"`
	// Held is the action a refused prune holds back: the run writes
	// nothing, so Action is none.
	Held Action `json:"held,omitempty"`
	// Fields are the attributes an update changes. A create's are built
	// on demand by CreateFields; its JSON form carries them here too.
	Fields []FieldChange `json:"fields,omitempty"`
	// ToDo is the page to create in the web app (create-in-web-app, or a
	// row whose create failed).
	ToDo *ToDo `json:"todo,omitempty"`

	// Diagnostics. Invalid: why the row cannot be read; nothing is sent.
	// NeedsManual: what the admin must do because Zoom's API cannot.
	// Error: why the row could not be planned. Notes: information that
	// changes nothing (duplicates found, adoption, unclaimed pages).
	Invalid     []string `json:"invalid,omitempty"`
	NeedsManual string   `json:"needs_manual,omitempty"`
	Error       string   `json:"error,omitempty"`
	Notes       []string `json:"notes,omitempty"`

	page         *sheet.Page
	current      *zoom.Schedule
	patch        *zoom.SchedulePatch
	hostsChanged bool
	// slugHeld lists the pages of the owner's listing at plan time that
	// held a create's slug (normally none): none of them is its page.
	slugHeld     []string
	knownRefusal bool // NeedsManual is a host change Zoom did not store; other fields may still update
}

// CreateFields lists every attribute a planned create sets (also one a
// refused prune holds back), for display. They are built from the row on
// each call rather than kept, since a plan may hold thousands of creates;
// nil for any other change.
func (c *Change) CreateFields() []FieldChange {
	if c.page == nil || (c.Action != ActionCreate && c.Held != ActionCreate) {
		return nil
	}
	return createFields(c.page)
}

// DisplayFields are the fields to show for the change: those an update
// changes, or those a create sets.
func (c *Change) DisplayFields() []FieldChange {
	if c.Fields != nil {
		return c.Fields
	}
	return c.CreateFields()
}

// MarshalJSON writes the change with its display fields, so that a
// create lists what it sets under "fields".
func (c *Change) MarshalJSON() ([]byte, error) {
	type plain Change // the same fields, without this method
	out := plain(*c)
	out.Fields = c.DisplayFields()
	return json.Marshal(&out)
}

// Problem reports whether the change carries a diagnostic that keeps it
// from being done: invalid, needs-manual or error.
func (c *Change) Problem() bool {
	return len(c.Invalid) > 0 || c.NeedsManual != "" || c.Error != ""
}

// Reasons is every diagnostic and note as text, in that order.
func (c *Change) Reasons() []string {
	out := append([]string(nil), c.Invalid...)
	if c.NeedsManual != "" {
		out = append(out, c.NeedsManual)
	}
	if c.Error != "" {
		out = append(out, c.Error)
	}
	return append(out, c.Notes...)
}

// FieldChange is one attribute a create sets or an update changes, for
// display; it never drives decisions. Column is the sheet's column name
// (sheet.Col*). Before and After are the whole values in normalised text,
// never shortened. For hosts, Added and Removed are the set difference;
// for availability, Days lists the days whose hours change.
type FieldChange struct {
	Column  string      `json:"column"`
	Before  string      `json:"before"`
	After   string      `json:"after"`
	Added   []string    `json:"added,omitempty"`
	Removed []string    `json:"removed,omitempty"`
	Days    []DayChange `json:"days,omitempty"`
}

// DayChange is one weekday's hours before and after ("" for none), e.g.
// {Day: "mon", Before: "09:00-17:00", After: "08:00-12:00, 13:00-17:00"}.
type DayChange struct {
	Day    string `json:"day"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// ToDo is a page for the admin to create in the Zoom web app, with the
// exact slug the next run looks for to adopt it.
type ToDo struct {
	Owner       string   `json:"owner"`
	Title       string   `json:"title"`
	Type        string   `json:"type"` // always "All Hosts Available"
	Hosts       []string `json:"hosts"`
	Duration    int      `json:"duration"`
	TimeZone    string   `json:"time_zone"`
	WeeklyHours string   `json:"weekly_hours"`
	Slug        string   `json:"slug"`
}

// String is the to do in one line, for the status cell, logs and webhooks.
func (t *ToDo) String() string {
	return fmt.Sprintf("create in the Zoom web app as %s: %s page %q, hosts %s, %d min, %s, %s, link (slug) %q; the next run adopts it",
		t.Owner, t.Type, t.Title, strings.Join(t.Hosts, ", "), t.Duration, t.TimeZone, t.WeeklyHours, t.Slug)
}

func todoFor(p *sheet.Page) *ToDo {
	t := &ToDo{
		Owner: normEmail(p.Owner), Title: p.Team, Type: "All Hosts Available", Hosts: p.Hosts,
		Duration: p.Duration, TimeZone: p.TimeZone, WeeklyHours: hoursText(p), Slug: p.Slug,
	}
	return t
}

// PruneDecision says what prune will do and why.
type PruneDecision struct {
	Mode       string `json:"mode"`       // off | deactivate | delete
	Candidates int    `json:"candidates"` // managed pages no row claims
	Managed    int    `json:"managed"`    // pages whose slug has the prefix
	Refused    bool   `json:"refused"`    // over the limits without --force-prune: the run changes nothing
	Disabled   string `json:"disabled,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Plan is what a sync would do. Building it writes nothing anywhere.
type Plan struct {
	Changes  []*Change     `json:"changes"`
	Prune    PruneDecision `json:"prune"`
	Rows     int           `json:"rows"`
	Owners   int           `json:"owners"`
	Pages    int           `json:"pages"` // pages seen in the owners' listings
	Warnings []string      `json:"warnings,omitempty"`
	// Create says how creates are sent: "probe" (Zoom's handling of
	// multi-host creates is unknown or stale: the first create is sent
	// alone and verified), "send" (Zoom honoured them), "web-app" (Zoom
	// downgrades them: rows become create-in-web-app). Empty without
	// creates.
	Create string `json:"create,omitempty"`

	ownerPages map[string]int  // listing size per owner, to choose how to verify
	verdict    *Verdict        // the saved create verdict this plan was made with
	learned    *Verdict        // what the plan itself showed (a stray One to One page), saved by Apply
	refusals   *hostRefusals   // host changes Zoom did not store, saved by Apply
	former     map[string]bool // listed owners with no row now (remembered from earlier runs)
	remember   []string        // the owners Apply saves for the next runs
}

// Create modes of a plan.
const (
	CreateProbe  = "probe"
	CreateSend   = "send"
	CreateWebApp = "web-app"
)

// Count returns how many changes have the action.
func (p *Plan) Count(a Action) int {
	n := 0
	for _, c := range p.Changes {
		if c.Action == a {
			n++
		}
	}
	return n
}

// Empty reports exactly whether applying the plan would write nothing to
// Zoom. A refused prune holds every change back (Action none), so its plan
// is empty.
func (p *Plan) Empty() bool {
	for _, c := range p.Changes {
		if c.Action.Writes() {
			return false
		}
	}
	return true
}

// HasProblems reports whether some rows are invalid, need manual work or
// could not be planned.
func (p *Plan) HasProblems() bool {
	for _, c := range p.Changes {
		if c.Problem() {
			return true
		}
	}
	return false
}

// Problems counts the changes with each diagnostic.
func (p *Plan) Problems() (invalid, needsManual, errs int) {
	for _, c := range p.Changes {
		switch {
		case len(c.Invalid) > 0:
			invalid++
		case c.NeedsManual != "":
			needsManual++
		case c.Error != "":
			errs++
		}
	}
	return
}
