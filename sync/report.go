package sync

import (
	"fmt"
	"strings"
	"time"
)

// Status is how far a result's action got.
type Status string

// Statuses.
const (
	// StatusDone: the action was made (for none and create-in-web-app:
	// nothing was to be written). A write is done as soon as Zoom accepted
	// it; verification may then turn it into failed.
	StatusDone Status = "done"
	// StatusFailed: the action was tried and did not work, or the row
	// could not be planned (Error says why).
	StatusFailed Status = "failed"
	// StatusSkipped: not tried (invalid row, needs-manual, a refused or
	// disabled prune, a cancelled run).
	StatusSkipped Status = "skipped"
	// StatusUnknown: a create was sent, its answer was lost and checking
	// the owner's pages could not tell whether it landed; the next run
	// checks. No second request was sent.
	StatusUnknown Status = "unknown"
)

// Result is the outcome of one row (Row > 0) or page (Row == 0). It uses
// the plan's vocabulary: Action is what was planned, Status how far it got,
// and the diagnostic fields say what stands in the way. Fields are the
// attributes an update changed; a create's are not kept (they can be
// rebuilt with Change.CreateFields).
type Result struct {
	Row        int           `json:"row,omitempty"`
	Key        string        `json:"key,omitempty"`
	Team       string        `json:"team,omitempty"`
	Owner      string        `json:"owner,omitempty"`
	Action     Action        `json:"action"`
	Status     Status        `json:"status"`
	ScheduleID string        `json:"schedule_id,omitempty"`
	Slug       string        `json:"slug,omitempty"`
	URL        string        `json:"booking_url,omitempty"`
	Cause      string        `json:"cause,omitempty"`
	Adopt      bool          `json:"adopt,omitempty"`
	Fields     []FieldChange `json:"fields,omitempty"`
	ToDo       *ToDo         `json:"todo,omitempty"`

	Invalid     []string `json:"invalid,omitempty"`
	NeedsManual string   `json:"needs_manual,omitempty"`
	Error       string   `json:"error,omitempty"`
	Notes       []string `json:"notes,omitempty"`

	// Wrote says Zoom was changed for this row (a write that succeeded,
	// including a page created then deleted after a failed verification).
	Wrote bool `json:"wrote,omitempty"`
}

// Outcome is the result in one word or phrase for summaries and the
// status cell: created, updated, adopted, unchanged, deactivated, deleted,
// "to create in the web app", invalid, needs-manual, failed, "outcome
// unknown" or skipped; for a page no row drives that is only reported,
// its cause (unclaimed, duplicate).
func (r *Result) Outcome() string {
	switch {
	case len(r.Invalid) > 0:
		return "invalid"
	case r.NeedsManual != "":
		return "needs-manual"
	case r.Status == StatusFailed:
		return "failed"
	case r.Status == StatusUnknown:
		return "outcome unknown"
	case r.Status == StatusSkipped:
		return "skipped"
	}
	switch r.Action {
	case ActionCreate:
		return "created"
	case ActionUpdate:
		if r.Adopt {
			return "adopted"
		}
		return "updated"
	case ActionDeactivate:
		return "deactivated"
	case ActionDelete:
		return "deleted"
	case ActionCreateInWebApp:
		return "to create in the web app"
	}
	if r.Row == 0 && r.Cause != "" {
		return r.Cause // a page no row drives, only reported: unclaimed, duplicate
	}
	return "unchanged"
}

// Detail is the diagnostics and notes in one line.
func (r *Result) Detail() string {
	parts := append([]string(nil), r.Invalid...)
	for _, s := range []string{r.NeedsManual, r.Error} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	parts = append(parts, r.Notes...)
	if r.ToDo != nil && r.Action == ActionCreateInWebApp {
		parts = append(parts, r.ToDo.String())
	}
	return strings.Join(parts, "; ")
}

// Attention reports whether a person must look at the row: it failed, is
// invalid, needs manual work or its outcome is unknown.
func (r *Result) Attention() bool {
	return r.Status == StatusFailed || r.Status == StatusUnknown || len(r.Invalid) > 0 || r.NeedsManual != ""
}

// Tally counts a report's results by outcome.
type Tally struct {
	Created     int `json:"created"`
	Updated     int `json:"updated"`
	Adopted     int `json:"adopted"`
	Unchanged   int `json:"unchanged"`
	Deactivated int `json:"deactivated"`
	Deleted     int `json:"deleted"`
	WebApp      int `json:"create_in_web_app"`
	Invalid     int `json:"invalid"`
	NeedsManual int `json:"needs_manual"`
	Failed      int `json:"failed"`
	Unknown     int `json:"unknown"`
	Skipped     int `json:"skipped"`
	Unclaimed   int `json:"unclaimed"`  // pages with the prefix no row claims, left alone
	Duplicates  int `json:"duplicates"` // duplicate pages only reported
}

func (t *Tally) add(r *Result) {
	switch r.Outcome() {
	case "created":
		t.Created++
	case "updated":
		t.Updated++
	case "adopted":
		t.Adopted++
	case "unchanged":
		t.Unchanged++
	case "deactivated":
		t.Deactivated++
	case "deleted":
		t.Deleted++
	case "to create in the web app":
		t.WebApp++
	case "invalid":
		t.Invalid++
	case "needs-manual":
		t.NeedsManual++
	case "failed":
		t.Failed++
	case "outcome unknown":
		t.Unknown++
	case "skipped":
		t.Skipped++
	case CauseUnclaimed:
		t.Unclaimed++
	case CauseDuplicate:
		t.Duplicates++
	}
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
	// Verdict is what this run learned, or already knew, about how Zoom
	// handles multi-host creates for this account; nil when it had no
	// creates to make.
	Verdict *Verdict `json:"create_verdict,omitempty"`
}

// Tally counts the results by outcome.
func (r *Report) Tally() Tally {
	var t Tally
	for i := range r.Results {
		t.add(&r.Results[i])
	}
	return t
}

// Failed reports whether any row or page did not end as planned: failed,
// invalid, needs-manual or outcome unknown. Rows waiting for their web-app
// page are not failures.
func (r *Report) Failed() bool {
	for i := range r.Results {
		if r.Results[i].Attention() {
			return true
		}
	}
	return false
}

// Summary is the one-line human summary, e.g.
// "3 created, 1 updated, 40 unchanged, 1 failed".
func (r *Report) Summary() string {
	t := r.Tally()
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{
		{t.Created, "created"}, {t.Adopted, "adopted"}, {t.Updated, "updated"}, {t.Unchanged, "unchanged"},
		{t.Deactivated, "deactivated"}, {t.Deleted, "deleted"}, {t.WebApp, "to create in the web app"},
		{t.Invalid, "invalid"}, {t.NeedsManual, "needs-manual"}, {t.Failed, "failed"},
		{t.Unknown, "outcome unknown"}, {t.Skipped, "skipped"}, {t.Unclaimed, "unclaimed"}, {t.Duplicates, "duplicates reported"},
	} {
		if c.n == 1 && c.what == "duplicates reported" {
			c.what = "duplicate reported"
		}
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if len(parts) == 0 {
		return "no rows"
	}
	return strings.Join(parts, ", ")
}
