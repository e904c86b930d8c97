package sync

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	gosync "sync"
	"time"

	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
)

// Zoom is the part of the Zoom API the engine uses; *zoom.Client has it.
type Zoom interface {
	ListSchedules(ctx context.Context, userID string, opts *zoom.ListOptions) ([]zoom.Schedule, error)
	AllSchedules(ctx context.Context, userID string, opts *zoom.ListOptions) iter.Seq2[zoom.Schedule, error]
	GetSchedule(ctx context.Context, userID, scheduleID string) (*zoom.Schedule, error)
	CreateSchedule(ctx context.Context, userID string, body *zoom.ScheduleCreate) (*zoom.Schedule, error)
	PatchSchedule(ctx context.Context, userID, scheduleID string, patch *zoom.SchedulePatch) error
	DeleteSchedule(ctx context.Context, userID, scheduleID string) error
}

// Options is the engine's policy.
type Options struct {
	SlugPrefix      string
	OnDowngrade     string // delete (default) | keep
	Prune           string // off (default) | deactivate | delete
	MaxPrune        int
	MaxPrunePercent float64
	ForcePrune      bool
	Concurrency     int // workers for listings and writes (default 4)

	Logger   *slog.Logger
	Now      func() time.Time
	Progress func(done, total int) // called as writes finish; optional
}

// Engine plans and applies syncs. It keeps no state between runs: every run
// reads the sheet and Zoom from scratch.
type Engine struct {
	zoom Zoom
	opts Options
	log  *slog.Logger
}

// New returns an engine using z for every Zoom call.
func New(z Zoom, opts Options) *Engine {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.OnDowngrade == "" {
		opts.OnDowngrade = "delete"
	}
	if opts.Prune == "" {
		opts.Prune = "off"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Engine{zoom: z, opts: opts, log: opts.Logger}
}

// FatalError means the run cannot proceed at all (bad credentials, missing
// scopes): no row was planned.
type FatalError struct{ Err error }

func (e *FatalError) Error() string { return e.Err.Error() }
func (e *FatalError) Unwrap() error { return e.Err }

// fatal reports errors that would fail every call, not just one owner's.
func fatal(err error) bool {
	var auth *zoom.AuthError
	if errors.As(err, &auth) {
		return true
	}
	var ae *zoom.APIError
	if errors.As(err, &ae) {
		// 401 after a token refresh, or a token without the scopes.
		return ae.Status == http.StatusUnauthorized || ae.Code == 4711 || ae.Code == 124
	}
	var rl *zoom.RateLimitError
	return errors.As(err, &rl) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// listing is one owner's pages.
type listing struct {
	owner string
	pages []zoom.Schedule
	err   error
}

// Plan reads Zoom (one listing per owner, no per-page GET unless a row
// names a schedule_id that is not in any listing) and returns what a sync
// would do. It writes nothing.
func (e *Engine) Plan(ctx context.Context, res *sheet.Result) (*Plan, error) {
	plan := &Plan{Rows: res.Rows, Prune: PruneDecision{Mode: e.opts.Prune}}
	plan.Warnings = append(plan.Warnings, res.Warnings...)

	owners := ownersOf(res)
	plan.Owners = len(owners)
	listings, err := e.listOwners(ctx, owners)
	if err != nil {
		return nil, err
	}
	idx := newIndex(listings)
	plan.Pages = idx.total
	plan.ownerPages = map[string]int{}
	for o, l := range listings {
		plan.ownerPages[o] = len(l.pages)
	}

	claimed := map[string]*Change{} // schedule id → the row that owns the page
	for i := range res.Pages {
		p := &res.Pages[i]
		ch := e.planRow(ctx, p, idx)
		if ch.ScheduleID != "" && ch.Action != ActionError {
			if other, dup := claimed[ch.ScheduleID]; dup {
				// Two rows resolved to one page (say one by id, one by
				// slug): neither may drive it.
				for _, c := range []*Change{other, ch} {
					c.Action = ActionError
					c.Reasons = []string{fmt.Sprintf("rows %d and %d both match page %s; give each row its own slug or schedule_id", other.Row, ch.Row, ch.ScheduleID)}
				}
			}
			claimed[ch.ScheduleID] = ch
		}
		plan.Changes = append(plan.Changes, ch)
	}
	for _, inv := range res.Invalid {
		ch := &Change{Action: ActionInvalid, Row: inv.Row, Key: inv.Key, Slug: inv.Slug, Owner: inv.Owner}
		for _, pr := range inv.Problems {
			ch.Reasons = append(ch.Reasons, problemText(pr))
		}
		plan.Changes = append(plan.Changes, ch)
	}
	sort.SliceStable(plan.Changes, func(i, j int) bool { return plan.Changes[i].Row < plan.Changes[j].Row })

	e.planPrune(plan, res, idx, listings, claimed)
	return plan, nil
}

func problemText(p sheet.Problem) string {
	msg := fmt.Sprintf("column %q: %s", p.Column, p.Message)
	if p.Hint != "" {
		msg += " — " + p.Hint
	}
	return msg
}

// ownersOf returns the distinct owners of valid rows, sorted.
func ownersOf(res *sheet.Result) []string {
	set := map[string]bool{}
	for _, p := range res.Pages {
		set[normEmail(p.Owner)] = true
	}
	out := make([]string, 0, len(set))
	for o := range set {
		out = append(out, o)
	}
	sort.Strings(out)
	return out
}

// listOwners lists every owner's pages concurrently. A failure that would
// fail every call is returned; one owner's failure is kept on its listing.
func (e *Engine) listOwners(ctx context.Context, owners []string) (map[string]*listing, error) {
	out := make(map[string]*listing, len(owners))
	var mu gosync.Mutex
	var firstFatal error
	sem := make(chan struct{}, e.opts.Concurrency)
	var wg gosync.WaitGroup
	for _, o := range owners {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			pages, err := e.zoom.ListSchedules(ctx, o, nil)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && fatal(err) && firstFatal == nil {
				firstFatal = err
			}
			out[o] = &listing{owner: o, pages: pages, err: err}
		}()
	}
	wg.Wait()
	if firstFatal != nil {
		return nil, &FatalError{Err: firstFatal}
	}
	return out, nil
}

// index finds pages across the owners' listings.
type index struct {
	listings map[string]*listing
	byID     map[string]*zoom.Schedule
	ownerOf  map[string]string                    // schedule id → owner whose listing has it
	bySlug   map[string]map[string]*zoom.Schedule // owner → lower slug → page
	byURL    map[string]*zoom.Schedule            // scheduling_url → page
	total    int
}

func newIndex(ls map[string]*listing) *index {
	idx := &index{listings: ls, byID: map[string]*zoom.Schedule{}, ownerOf: map[string]string{},
		bySlug: map[string]map[string]*zoom.Schedule{}, byURL: map[string]*zoom.Schedule{}}
	for o, l := range ls {
		slugs := map[string]*zoom.Schedule{}
		for i := range l.pages {
			s := &l.pages[i]
			idx.byID[strings.ToLower(s.ScheduleID)] = s
			idx.ownerOf[strings.ToLower(s.ScheduleID)] = o
			slugs[strings.ToLower(s.Slug)] = s
			if s.SchedulingURL != "" {
				idx.byURL[strings.TrimRight(strings.ToLower(s.SchedulingURL), "/")] = s
			}
			idx.total++
		}
		idx.bySlug[o] = slugs
	}
	return idx
}

// slugElsewhere finds a page with the slug in another owner's listing.
func (idx *index) slugElsewhere(owner, slug string) *zoom.Schedule {
	slug = strings.ToLower(slug)
	for o, pages := range idx.bySlug {
		if o == owner {
			continue
		}
		if s, ok := pages[slug]; ok {
			return s
		}
	}
	return nil
}

// planRow matches a row to its page and decides the action.
func (e *Engine) planRow(ctx context.Context, p *sheet.Page, idx *index) *Change {
	owner := normEmail(p.Owner)
	ch := &Change{Row: p.Row, Key: p.Key, Team: p.Team, Owner: owner, Slug: p.Slug, page: p}
	l := idx.listings[owner]
	if l == nil || l.err != nil {
		ch.Action = ActionError
		ch.Reasons = []string{fmt.Sprintf("listing the pages of owner %s failed: %v", owner, l.err)}
		return ch
	}

	var (
		cur       *zoom.Schedule
		pageOwner = owner
	)
	switch {
	case p.Ref.ID != "":
		ch.Match = "schedule_id"
		id := strings.ToLower(p.Ref.ID)
		if s, ok := idx.byID[id]; ok {
			cur, pageOwner = s, idx.ownerOf[id]
		} else {
			s, o, err := e.findByID(ctx, p, id)
			if err != nil {
				ch.Action = ActionError
				ch.Reasons = []string{err.Error()}
				return ch
			}
			cur, pageOwner = s, o
		}
	case p.Ref.Slug != "" || p.Ref.URL != "":
		ch.Match = "booking_link"
		if s, ok := idx.byURL[strings.TrimRight(strings.ToLower(p.Ref.URL), "/")]; ok && p.Ref.URL != "" {
			cur = s
			pageOwner = idx.ownerOf[strings.ToLower(s.ScheduleID)]
		} else if s, ok := idx.bySlug[owner][strings.ToLower(p.Ref.Slug)]; ok {
			cur = s
		} else {
			ch.Action = ActionError
			ch.Reasons = []string{fmt.Sprintf("booking link %s is not among the pages of owner %s; check the link, or set owner to the host who made the page", p.Ref.URL, owner)}
			return ch
		}
	default:
		if s, ok := idx.bySlug[owner][strings.ToLower(p.Slug)]; ok {
			ch.Match = "slug"
			cur = s
		} else if other := idx.slugElsewhere(owner, p.Slug); other != nil {
			// Most often the hosts were reordered, which changed the
			// default owner. Creating would leave two pages for one team.
			ch.Action = ActionManual
			ch.ScheduleID = other.ScheduleID
			ch.Reasons = []string{fmt.Sprintf("page %s with slug %s already exists under %s, but the row's owner is %s (the owner defaults to the first host); set the row's owner to %s to keep that page, or delete it in Zoom to make a new one",
				other.ScheduleID, other.Slug, idx.ownerOf[strings.ToLower(other.ScheduleID)], owner, idx.ownerOf[strings.ToLower(other.ScheduleID)])}
			return ch
		}
	}

	if cur == nil {
		ch.Action = ActionCreate
		return ch
	}
	ch.current = cur
	ch.ScheduleID = cur.ScheduleID
	ch.URL = cur.SchedulingURL
	ch.Owner = pageOwner
	if pageOwner != owner {
		ch.Action = ActionManual
		ch.Reasons = []string{fmt.Sprintf("page %s is owned by %s but the row's owner is %s; Zoom cannot move a page to another owner — set the row's owner to %s", cur.ScheduleID, pageOwner, owner, pageOwner)}
		return ch
	}
	if len(p.Hosts) > 1 && cur.ScheduleType != zoom.ScheduleTypeMultiple {
		ch.Action = ActionManual
		ch.Reasons = []string{fmt.Sprintf("page %s (%s) is a One to One page; Zoom's API cannot turn it into an All Hosts Available page. %s", cur.ScheduleID, cur.Slug, adoptHint)}
		return ch
	}
	// The slug of an adopted page is its public link: change it only when
	// the row asks for a specific slug.
	manageSlug := ch.Match == "slug" || p.SlugSet
	patch, fields, hostsChanged := diff(p, cur, manageSlug)
	if patch == nil {
		ch.Action = ActionNoop
		return ch
	}
	ch.Action = ActionUpdate
	ch.patch, ch.Fields, ch.hostsChanged = patch, fields, hostsChanged
	return ch
}

// adoptHint is what the admin can do when Zoom's API will not make an All
// Hosts Available page.
const adoptHint = "Create the page once in the Zoom web app (Scheduler → Create → All Hosts Available) and put its schedule ID or booking link in the row's schedule_id column; zoomsync then keeps it in step."

// findByID looks for a page that is in no listing: it may belong to a host
// who owns no row. Single-page GETs 404 for another user's page, so each
// host of the row is tried as user_id, owner first.
func (e *Engine) findByID(ctx context.Context, p *sheet.Page, id string) (*zoom.Schedule, string, error) {
	tried := map[string]bool{}
	for _, h := range append([]string{p.Owner}, p.Hosts...) {
		h = normEmail(h)
		if tried[h] {
			continue
		}
		tried[h] = true
		s, err := e.zoom.GetSchedule(ctx, h, id)
		if err == nil && s.Status != zoom.StatusCancelled {
			return s, h, nil
		}
		if err != nil && !zoom.IsNotFound(err) {
			return nil, "", fmt.Errorf("looking up schedule_id %s: %v", id, err)
		}
	}
	return nil, "", fmt.Errorf("schedule_id %s does not exist among the pages of this row's hosts (was it deleted?); clear the cell to let zoomsync create a new page, or put the right id", id)
}
