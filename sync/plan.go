// Package sync is zoomsync's engine: it matches sheet rows to Zoom booking
// pages, plans the changes that make Zoom match the sheet, applies them with
// bounded concurrency, verifies what Zoom stored, prunes with guards and
// reports every outcome. Import it as zsync where the standard library's
// sync is also needed.
package sync

import (
	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
)

// Action is what a plan does for one row or page.
type Action string

// Plan actions.
const (
	ActionCreate    Action = "create"
	ActionUpdate    Action = "update"
	ActionNoop      Action = "unchanged"
	ActionInvalid   Action = "invalid"      // the row has errors; nothing is sent
	ActionManual    Action = "needs-manual" // Zoom cannot make this change through its API
	ActionError     Action = "error"        // the row could not be planned (e.g. its page lookup failed)
	ActionPrune     Action = "prune"        // a managed page whose row is gone
	ActionPruneSkip Action = "prune-refused"
)

// Change is the plan for one row (or, for prune, one page).
type Change struct {
	Action     Action        `json:"action"`
	Row        int           `json:"row,omitempty"` // sheet row number; 0 for prune
	Key        string        `json:"key,omitempty"`
	Team       string        `json:"team,omitempty"`
	Owner      string        `json:"owner,omitempty"` // user_id used for API calls
	ScheduleID string        `json:"schedule_id,omitempty"`
	Slug       string        `json:"slug,omitempty"`
	URL        string        `json:"booking_url,omitempty"`
	Match      string        `json:"match,omitempty"` // how the page was found: schedule_id | booking_link | slug
	Fields     []FieldChange `json:"fields,omitempty"`
	Reasons    []string      `json:"reasons,omitempty"`
	PruneMode  string        `json:"prune_mode,omitempty"` // deactivate | delete

	page         *sheet.Page
	current      *zoom.Schedule
	patch        *zoom.SchedulePatch
	hostsChanged bool
}

// FieldChange is one field an update changes, for display. Before and
// After are normalised text; they never drive decisions.
type FieldChange struct {
	Name   string `json:"name"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// PruneDecision says what prune will do and why.
type PruneDecision struct {
	Mode       string `json:"mode"`       // off | deactivate | delete
	Candidates int    `json:"candidates"` // managed pages whose row is gone
	Managed    int    `json:"managed"`    // pages whose slug has the prefix
	Refused    bool   `json:"refused"`    // over a threshold without --force-prune: nothing changes
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

	ownerPages map[string]int // listing size per owner, to choose how to verify
}

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

// Empty reports whether applying the plan would write nothing to Zoom.
func (p *Plan) Empty() bool {
	if p.Prune.Refused {
		return true
	}
	return p.Count(ActionCreate)+p.Count(ActionUpdate)+p.Count(ActionPrune) == 0
}

// HasProblems reports whether some rows are invalid, need manual work or
// could not be planned.
func (p *Plan) HasProblems() bool {
	return p.Count(ActionInvalid)+p.Count(ActionManual)+p.Count(ActionError) > 0
}
