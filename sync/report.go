package sync

import (
	"fmt"
	"strings"
	"time"
)

// Outcome is what happened to one row or page.
type Outcome string

// Outcomes.
const (
	OutcomeCreated     Outcome = "created"
	OutcomeUpdated     Outcome = "updated"
	OutcomeUnchanged   Outcome = "unchanged"
	OutcomeInvalid     Outcome = "invalid"
	OutcomeFailed      Outcome = "failed"
	OutcomeManual      Outcome = "needs-manual"
	OutcomeDeactivated Outcome = "deactivated"
	OutcomeDeleted     Outcome = "deleted"
	OutcomeSkipped     Outcome = "skipped" // planned but not applied (prune refused, run cancelled)
)

// outcomeOrder is the order of the summary line.
var outcomeOrder = []Outcome{OutcomeCreated, OutcomeUpdated, OutcomeUnchanged, OutcomeDeactivated, OutcomeDeleted,
	OutcomeInvalid, OutcomeManual, OutcomeFailed, OutcomeSkipped}

// Result is the outcome of one row (Row > 0) or pruned page (Row == 0).
type Result struct {
	Row        int           `json:"row,omitempty"`
	Key        string        `json:"key,omitempty"`
	Team       string        `json:"team,omitempty"`
	Owner      string        `json:"owner,omitempty"`
	Outcome    Outcome       `json:"outcome"`
	ScheduleID string        `json:"schedule_id,omitempty"`
	Slug       string        `json:"slug,omitempty"`
	URL        string        `json:"booking_url,omitempty"`
	Message    string        `json:"message,omitempty"`
	Fields     []FieldChange `json:"fields,omitempty"`
	// Wrote says Zoom was changed for this row (a write that succeeded,
	// including a page created then deleted after a failed verification).
	Wrote bool `json:"-"`
}

// Report is the outcome of a whole sync.
type Report struct {
	Results  []Result      `json:"results"`
	Prune    PruneDecision `json:"prune"`
	Warnings []string      `json:"warnings,omitempty"`
	Started  time.Time     `json:"started"`
	Finished time.Time     `json:"finished"`
	// Cancelled is set when the context ended before every change was made.
	Cancelled bool `json:"cancelled,omitempty"`
}

// Count returns how many results have the outcome.
func (r *Report) Count(o Outcome) int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == o {
			n++
		}
	}
	return n
}

// Failed reports whether any row or page did not end as planned.
func (r *Report) Failed() bool {
	return r.Count(OutcomeFailed)+r.Count(OutcomeInvalid)+r.Count(OutcomeManual) > 0
}

// Summary is the one-line human summary, e.g.
// "3 created, 1 updated, 40 unchanged, 1 failed".
func (r *Report) Summary() string {
	var parts []string
	for _, o := range outcomeOrder {
		if n := r.Count(o); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	if len(parts) == 0 {
		return "no rows"
	}
	return strings.Join(parts, ", ")
}
