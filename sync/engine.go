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
	GetAnalytics(ctx context.Context, userID string, from, to time.Time) (*zoom.Analytics, error)
}

// Options is the engine's policy.
type Options struct {
	SlugPrefix      string
	OnDowngrade     string // delete (default) | keep
	Prune           string // off (default) | deactivate | delete
	MaxPrune        int
	MaxPrunePercent float64
	ForcePrune      bool
	Concurrency     int    // workers for listings and writes (default zoom.DefaultConcurrency)
	Dedupe          string // delete (default): remove duplicate pages zoomsync made | report

	// Owners remembers the owners of earlier runs (state_dir), so that
	// pages with the slug prefix of an owner who has left the sheet are
	// listed as unclaimed too; nil lists only the sheet's owners.
	Owners OwnerStore

	// Account identifies the Zoom account whose create verdict Verdicts
	// keeps (any stable text; the file store keeps only a hash of it).
	Account string
	// Verdicts keeps, per account, whether Zoom honours multi-host creates;
	// nil keeps it in memory only, so every run starts by probing.
	Verdicts VerdictStore
	// RecheckCreate is how long a verdict holds before one create is tried
	// again (sync.recheck_create, default 168h).
	RecheckCreate time.Duration
	// HostRefusals keeps the host changes Zoom accepted but did not store,
	// so that they are not sent again every run; nil keeps them in memory
	// only. A finding holds for RecheckCreate, like the create verdict.
	HostRefusals HostRefusalStore
	// ForceRecheck tries one create whatever the verdict (--recheck-create).
	ForceRecheck bool
	// LateCommitWait is how long to wait, after a create whose answer was
	// lost, before listing the owner's pages to see whether it landed: long
	// enough for a commit that arrives after the client gave up (default 10s).
	LateCommitWait time.Duration

	Logger   *slog.Logger
	Now      func() time.Time
	Sleep    func(ctx context.Context, d time.Duration) error // default: a timer that ends with ctx
	Progress func(done, total int)                            // called as writes finish; optional
	// OnResult is called once for each row or page as soon as its outcome
	// is final, from any goroutine but never concurrently; optional.
	OnResult func(Result)
}

// Engine plans and applies syncs. Between runs it keeps only the create
// verdict (Options.Verdicts): every run reads the sheet and Zoom from
// scratch.
type Engine struct {
	zoom Zoom
	opts Options
	log  *slog.Logger
}

// New returns an engine using z for every Zoom call.
func New(z Zoom, opts Options) *Engine {
	if opts.Concurrency <= 0 {
		opts.Concurrency = zoom.DefaultConcurrency
	}
	if opts.OnDowngrade == "" {
		opts.OnDowngrade = "delete"
	}
	if opts.Prune == "" {
		opts.Prune = "off"
	}
	if opts.Dedupe == "" {
		opts.Dedupe = "delete"
	}
	if opts.RecheckCreate <= 0 {
		opts.RecheckCreate = 168 * time.Hour
	}
	if opts.LateCommitWait <= 0 {
		opts.LateCommitWait = 10 * time.Second
	}
	if opts.Verdicts == nil {
		opts.Verdicts = &memVerdicts{}
	}
	if opts.HostRefusals == nil {
		opts.HostRefusals = &memHostRefusals{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	return &Engine{zoom: z, opts: opts, log: opts.Logger}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// FatalError means the run cannot proceed at all (bad credentials, missing
// scopes, the account's daily request limit): no row was planned.
type FatalError struct{ Err error }

func (e *FatalError) Error() string { return e.Err.Error() }
func (e *FatalError) Unwrap() error { return e.Err }

// fatal reports errors that would fail every call, not just one owner's.
// Rate-limit errors come first: a *RateLimitError is also an *APIError, and
// a daily limit must stop the run once, not fail each owner.
func fatal(err error) bool {
	var rl *zoom.RateLimitError
	if errors.As(err, &rl) {
		return true
	}
	var auth *zoom.AuthError
	if errors.As(err, &auth) {
		return true
	}
	var ae *zoom.APIError
	if errors.As(err, &ae) {
		// 401 after a token refresh, or a token without the scopes.
		return ae.Status == http.StatusUnauthorized || ae.Code == 4711 || ae.Code == 124
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
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
	former := e.formerOwners(plan, owners)
	listings, err := e.listOwners(ctx, append(append([]string(nil), owners...), former...))
	if err != nil {
		return nil, err
	}
	plan.former = map[string]bool{}
	for _, o := range former {
		if l := listings[o]; l.err != nil {
			// An owner with no row now is looked at only for its
			// unclaimed pages: a failure there spoils nothing else.
			plan.Warnings = append(plan.Warnings, fmt.Sprintf("the pages of %s, an owner of earlier runs with no row now, could not be listed (%v); its unclaimed pages are not shown", o, l.err))
			delete(listings, o)
			continue
		}
		plan.former[o] = true
	}
	e.rememberOwners(plan, owners, former, listings)
	idx := newIndex(listings)
	e.loadHostRefusals(plan)
	idx.refusals = plan.refusals
	plan.Pages = idx.total
	plan.ownerPages = map[string]int{}
	for o, l := range listings {
		plan.ownerPages[o] = len(l.pages)
	}
	mode, verdict, why := e.createMode()
	plan.verdict = verdict

	claimed := map[string]*Change{} // schedule id → the row that owns the page
	var pageChanges []*Change
	for i := range res.Pages {
		p := &res.Pages[i]
		ch, extra := e.planRow(ctx, p, idx, mode)
		if ch.ScheduleID != "" && ch.Error == "" {
			if other, dup := claimed[ch.ScheduleID]; dup {
				// Two rows resolved to one page (say one by id, one by
				// slug): neither may drive it.
				for _, c := range []*Change{other, ch} {
					c.Action, c.Fields, c.patch, c.Notes = ActionNone, nil, nil, nil
					c.Error = fmt.Sprintf("rows %d and %d both match page %s; give each row its own slug or schedule_id", other.Row, ch.Row, ch.ScheduleID)
				}
			}
			claimed[ch.ScheduleID] = ch
		}
		for _, x := range extra {
			claimed[x.ScheduleID] = ch
		}
		plan.Changes = append(plan.Changes, ch)
		pageChanges = append(pageChanges, extra...)
	}
	pageChanges = append(pageChanges, e.checkPageTypes(ctx, plan, idx, verdict, mode, claimed)...)
	pageChanges = append(pageChanges, e.planDuplicates(plan, idx, claimed)...)
	for _, inv := range res.Invalid {
		ch := &Change{Action: ActionNone, Row: inv.Row, Key: inv.Key, Slug: inv.Slug, Owner: inv.Owner}
		for _, pr := range inv.Problems {
			ch.Invalid = append(ch.Invalid, problemText(pr))
		}
		plan.Changes = append(plan.Changes, ch)
	}
	sort.SliceStable(plan.Changes, func(i, j int) bool { return plan.Changes[i].Row < plan.Changes[j].Row })
	plan.Changes = append(plan.Changes, pageChanges...)

	if mode == CreateProbe {
		for _, c := range plan.Changes {
			if plan.learned != nil && plan.learned.Result == VerdictDowngraded {
				break // the page-type check found an Any Host Available page
			}
			if c.Cause == CauseDowngraded || c.ToDo != nil && strings.Contains(c.NeedsManual, "zoomsync created") {
				// A One to One page zoomsync made for a multi-host row
				// already shows what a probe would: Zoom downgrades.
				plan.learned = &Verdict{Result: VerdictDowngraded, FoundAt: e.opts.Now(),
					Detail: fmt.Sprintf("a One to One page (page %s that an earlier run created)", c.ScheduleID)}
				break
			}
		}
		switch {
		case plan.learned == nil:
		case plan.learned.Result == VerdictDowngraded:
			mode, verdict = CreateWebApp, plan.learned
			for _, r := range plan.Changes {
				if r.Action == ActionCreate {
					r.Action, r.Fields, r.ToDo = ActionCreateInWebApp, nil, todoFor(r.page)
				}
			}
		default:
			// A page an earlier run made shows Zoom honours creates.
			mode, verdict = CreateSend, plan.learned
		}
	}
	e.planCreates(plan, mode, verdict, why)
	e.planPrune(plan, res, listings, claimed)
	if plan.Prune.Refused {
		// A refused prune fails the run before it writes anything: the
		// plan says so by holding every write back.
		for _, c := range plan.Changes {
			if c.Action.Writes() {
				c.Held, c.Action = c.Action, ActionNone
			}
		}
	}
	return plan, nil
}

// planCreates records how creates are sent and tells the admin why.
func (e *Engine) planCreates(plan *Plan, mode string, v *Verdict, why string) {
	creates, webApp := plan.Count(ActionCreate), plan.Count(ActionCreateInWebApp)
	switch {
	case creates > 0:
		plan.Create = mode
		if mode == CreateProbe {
			first := plan.firstCreate()
			plan.Warnings = append(plan.Warnings, fmt.Sprintf("%s: the first create (row %d) is sent alone and verified before any other; if Zoom stores a One to One page, the other %d %s to create in the Zoom web app",
				why, first.Row, creates-1, plural(creates-1, "row becomes a page", "rows become pages")))
		}
	case webApp > 0 && v != nil && v.Result == VerdictDowngraded:
		plan.Create = CreateWebApp
		plan.Warnings = append(plan.Warnings, fmt.Sprintf("Zoom stored a multi-host create as %s on %s, so no create is sent until %s (sync.recheck_create; --recheck-create tries now): %d pages to create in the Zoom web app with the slugs given",
			v.Detail, v.FoundAt.UTC().Format("2006-01-02"), v.FoundAt.Add(e.opts.RecheckCreate).UTC().Format("2006-01-02"), webApp))
	}
}

// firstCreate is the create a probe sends: the first in sheet order.
func (p *Plan) firstCreate() *Change {
	for _, c := range p.Changes {
		if c.Action == ActionCreate {
			return c
		}
	}
	return nil
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
	ownerOf  map[string]string                      // schedule id → owner whose listing has it
	bySlug   map[string]map[string]*zoom.Schedule   // owner → lower slug → the page kept for the slug
	dups     map[string]map[string][]*zoom.Schedule // owner → lower slug → every page, when more than one
	byURL    map[string]*zoom.Schedule              // scheduling_url → page
	total    int
	refusals *hostRefusals // host changes Zoom did not store
}

func newIndex(ls map[string]*listing) *index {
	idx := &index{listings: ls, byID: map[string]*zoom.Schedule{}, ownerOf: map[string]string{},
		bySlug: map[string]map[string]*zoom.Schedule{}, dups: map[string]map[string][]*zoom.Schedule{},
		byURL: map[string]*zoom.Schedule{}}
	for o, l := range ls {
		slugs := map[string]*zoom.Schedule{}
		for i := range l.pages {
			s := &l.pages[i]
			idx.byID[strings.ToLower(s.ScheduleID)] = s
			idx.ownerOf[strings.ToLower(s.ScheduleID)] = o
			slug := strings.ToLower(s.Slug)
			if prev, ok := slugs[slug]; ok {
				if idx.dups[o] == nil {
					idx.dups[o] = map[string][]*zoom.Schedule{}
				}
				if idx.dups[o][slug] == nil {
					idx.dups[o][slug] = []*zoom.Schedule{prev}
				}
				idx.dups[o][slug] = append(idx.dups[o][slug], s)
				if keepFirst(s, prev) {
					slugs[slug] = s
				}
			} else {
				slugs[slug] = s
			}
			if s.SchedulingURL != "" {
				idx.byURL[strings.TrimRight(strings.ToLower(s.SchedulingURL), "/")] = s
			}
			idx.total++
		}
		idx.bySlug[o] = slugs
	}
	return idx
}

// keepFirst reports whether page a, listed after b with the same slug, is
// the one to keep: a page not made through the API beats one that was
// (zoomsync's), a multi-host page beats a One to One page; otherwise the older
// (first listed) page stays.
func keepFirst(a, b *zoom.Schedule) bool {
	if madeByAPI(a) != madeByAPI(b) {
		return !madeByAPI(a)
	}
	if (a.ScheduleType == zoom.ScheduleTypeMultiple) != (b.ScheduleType == zoom.ScheduleTypeMultiple) {
		return a.ScheduleType == zoom.ScheduleTypeMultiple
	}
	return false
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

// planRow matches a row to its page and decides the action. Extra are
// page-level changes the row causes (a stray One to One page to delete).
func (e *Engine) planRow(ctx context.Context, p *sheet.Page, idx *index, mode string) (ch *Change, extra []*Change) {
	owner := normEmail(p.Owner)
	ch = &Change{Row: p.Row, Key: p.Key, Team: p.Team, Owner: owner, Slug: p.Slug, Action: ActionNone, page: p}
	l := idx.listings[owner]
	if l == nil {
		ch.Error = fmt.Sprintf("the pages of owner %s were not listed", owner)
		return ch, nil
	}
	if l.err != nil {
		ch.Error = fmt.Sprintf("listing the pages of owner %s failed: %v", owner, l.err)
		return ch, nil
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
				ch.Error = err.Error()
				return ch, nil
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
			ch.Error = fmt.Sprintf("booking link %s is not among the pages of owner %s; check the link, or set owner to the host who made the page", p.Ref.URL, owner)
			return ch, nil
		}
	default:
		if s, ok := idx.bySlug[owner][strings.ToLower(p.Slug)]; ok {
			ch.Match = "slug"
			cur = s
		} else if other := idx.slugElsewhere(owner, p.Slug); other != nil {
			// Most often the hosts were reordered, which changed the
			// default owner. Creating would leave two pages for one team.
			ch.ScheduleID = other.ScheduleID
			ch.NeedsManual = fmt.Sprintf("page %s with slug %s already exists under %s, but the row's owner is %s (the owner defaults to the first host); set the row's owner to %s to keep that page, or delete it in Zoom to make a new one",
				other.ScheduleID, other.Slug, idx.ownerOf[strings.ToLower(other.ScheduleID)], owner, idx.ownerOf[strings.ToLower(other.ScheduleID)])
			return ch, nil
		}
	}

	if cur == nil {
		if mode == CreateWebApp {
			ch.Action, ch.ToDo = ActionCreateInWebApp, todoFor(p)
			return ch, nil
		}
		// The fields a create sets are built only for display
		// (Change.CreateFields): a run of thousands of creates keeps none.
		ch.Action = ActionCreate
		for _, s := range idx.dups[owner][strings.ToLower(p.Slug)] {
			ch.slugHeld = append(ch.slugHeld, s.ScheduleID)
		}
		if s, ok := idx.bySlug[owner][strings.ToLower(p.Slug)]; ok {
			ch.slugHeld = append(ch.slugHeld, s.ScheduleID)
		}
		return ch, nil
	}
	ch.current = cur
	ch.ScheduleID = cur.ScheduleID
	ch.URL = cur.SchedulingURL
	ch.Owner = pageOwner
	if pageOwner != owner {
		ch.NeedsManual = fmt.Sprintf("page %s is owned by %s but the row's owner is %s; Zoom cannot move a page to another owner — set the row's owner to %s", cur.ScheduleID, pageOwner, owner, pageOwner)
		return ch, nil
	}
	if len(p.Hosts) > 1 && cur.ScheduleType != zoom.ScheduleTypeMultiple {
		return e.planOneToOne(ch, p, cur)
	}
	// The slug of an adopted page is its public link: change it only when
	// the row asks for a specific slug.
	manageSlug := ch.Match == "slug" || p.SlugSet
	patch, fields, hostsChanged := diff(p, cur, manageSlug)
	if hostsChanged && idx.refusals != nil {
		if r, ok := e.knownRefusal(idx.refusals, cur, hostSet(p)); ok {
			// The row's other changes still go out.
			ch.NeedsManual, ch.knownRefusal = e.refusedHostsText(cur, r), true
			patch, fields, hostsChanged = diff(withStoredHosts(p, cur), cur, manageSlug)
		}
	}
	if patch == nil {
		return ch, nil
	}
	ch.Action = ActionUpdate
	ch.patch, ch.Fields, ch.hostsChanged = patch, fields, hostsChanged
	if ch.Match == "slug" && !madeByAPI(cur) {
		ch.Adopt = true
		ch.Notes = append(ch.Notes, fmt.Sprintf("adopting page %s, found by its slug %s: one update brings it in step with the row", cur.ScheduleID, cur.Slug))
	}
	return ch, nil
}

// madeByAPI reports whether a page is zoomsync's to delete: only a page
// whose created_via Zoom gives as "api" was made through the API. A page
// without the field, or with any other value, may be the admin's (made in
// the Zoom web app): it is reported, never deleted.
func madeByAPI(s *zoom.Schedule) bool {
	return strings.EqualFold(s.CreatedVia, "api")
}

// planOneToOne handles a multi-host row whose page is One to One. A page
// zoomsync made for the row (the row's own slug, created_via "api")
// is what a downgraded create left behind — also after a run was killed
// between the create and its clean-up: with on_downgrade delete it is
// deleted and the row waits for its web-app page. Any other One to One
// page is the admin's: it is never deleted.
func (e *Engine) planOneToOne(ch *Change, p *sheet.Page, cur *zoom.Schedule) (*Change, []*Change) {
	ours := ch.Match == "slug" && madeByAPI(cur) && strings.EqualFold(cur.Slug, p.Slug)
	todo := todoFor(p)
	if !ours {
		ch.NeedsManual = fmt.Sprintf("page %s (%s) is a One to One page; Zoom's API cannot turn it into an All Hosts Available page. %s", cur.ScheduleID, cur.Slug, oneToOneHint(ch, p, cur))
		ch.ToDo = todo
		return ch, nil
	}
	if e.opts.OnDowngrade == "keep" {
		ch.NeedsManual = fmt.Sprintf("page %s (%s) is a One to One page zoomsync created for this row: Zoom ignored the multi-host fields. It is kept (sync.on_downgrade: keep) and bookable as One to One; delete it in Zoom, then %s",
			cur.ScheduleID, cur.Slug, todo)
		ch.ToDo = todo
		return ch, nil
	}
	del := &Change{Action: ActionDelete, Cause: CauseDowngraded, Key: p.Key, Team: cur.Summary, Owner: ch.Owner,
		ScheduleID: cur.ScheduleID, Slug: cur.Slug, URL: cur.SchedulingURL, current: cur,
		Notes: []string{fmt.Sprintf("a One to One page zoomsync created for row %d (%s), where Zoom ignored the multi-host fields; deleted so that nobody books it (sync.on_downgrade: delete)", p.Row, p.Key)}}
	row := &Change{Row: p.Row, Key: p.Key, Team: p.Team, Owner: ch.Owner, Slug: p.Slug, Action: ActionCreateInWebApp, ToDo: todo, page: p,
		Notes: []string{fmt.Sprintf("the One to One page %s zoomsync made for this row is deleted", cur.ScheduleID)}}
	return row, []*Change{del}
}

// planDuplicates finds rows whose slug is held by two or more pages of one
// owner. The page the row uses stays; extra copies zoomsync made (created_via
// "api") are deleted with sync.dedupe: delete; the rest are only
// reported.
func (e *Engine) planDuplicates(plan *Plan, idx *index, claimed map[string]*Change) []*Change {
	var out []*Change
	for _, ch := range plan.Changes {
		if ch.page == nil {
			continue
		}
		group := idx.dups[ch.Owner][strings.ToLower(ch.Slug)]
		if len(group) < 2 {
			continue
		}
		keep := ch.ScheduleID
		if keep == "" {
			keep = idx.bySlug[ch.Owner][strings.ToLower(ch.Slug)].ScheduleID
		}
		var ids []string
		for _, s := range group {
			ids = append(ids, s.ScheduleID)
			if s.ScheduleID == keep {
				continue
			}
			if prev := claimed[s.ScheduleID]; prev != nil && prev != ch {
				continue // another row's page
			}
			claimed[s.ScheduleID] = ch
			d := &Change{Action: ActionNone, Cause: CauseDuplicate, Key: ch.Key, Team: s.Summary, Owner: ch.Owner,
				ScheduleID: s.ScheduleID, Slug: s.Slug, URL: s.SchedulingURL, current: s}
			switch {
			case strings.EqualFold(s.CreatedVia, "web"):
				d.Notes = []string{fmt.Sprintf("a second page with row %d's slug, made in the Zoom web app: only reported; delete one of them in Zoom", ch.Row)}
			case !madeByAPI(s):
				d.Notes = []string{fmt.Sprintf("a second page with row %d's slug that Zoom's listing does not mark as made through the API (created_via %q): only reported; delete one of them in Zoom", ch.Row, s.CreatedVia)}
			case e.opts.Dedupe != "delete":
				d.Notes = []string{fmt.Sprintf("a second page with row %d's slug (sync.dedupe: report); delete it in Zoom", ch.Row)}
			default:
				d.Action = ActionDelete
				d.Notes = []string{fmt.Sprintf("a second page with row %d's slug that zoomsync made (a create that landed twice); deleted (sync.dedupe: delete)", ch.Row)}
			}
			out = append(out, d)
		}
		ch.Notes = append(ch.Notes, fmt.Sprintf("%d pages of %s have the slug %s (%s); this row keeps %s", len(group), ch.Owner, ch.Slug, strings.Join(ids, ", "), keep))
	}
	return out
}

// oneToOneHint is the one thing the admin can do about the admin's own One
// to One page that a multi-host row matched. Found by the row's slug, the
// page holds that slug under the owner, so a web-app page cannot take it
// until the One to One page gives it up; found by schedule_id or booking
// link, the row must point at the new page instead.
func oneToOneHint(ch *Change, p *sheet.Page, cur *zoom.Schedule) string {
	if ch.Match == "slug" {
		return fmt.Sprintf("In the Zoom web app, first change the link (slug) of page %s to another one, or delete it; then create the All Hosts Available page as %s with the link (slug) %q: the next run adopts it.",
			cur.ScheduleID, ch.Owner, p.Slug)
	}
	return fmt.Sprintf("Create the All Hosts Available page once in the Zoom web app (Scheduler → Create → All Hosts Available) as %s, then put its schedule ID or booking link in the row's schedule_id column in place of %s: zoomsync then keeps it in step.",
		ch.Owner, cur.ScheduleID)
}

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
			return nil, "", fmt.Errorf("looking up schedule_id %s: %w", id, err)
		}
	}
	return nil, "", fmt.Errorf("schedule_id %s does not exist among the pages of this row's hosts (was it deleted?); clear the cell to let zoomsync create a new page, or put the right id", id)
}
