package emulator

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// answer writes a response once the store lock is released.
type answer func(w http.ResponseWriter)

func validationAnswer(errs []fieldError) answer {
	return func(w http.ResponseWriter) { writeValidation(w, errs) }
}

func quirkAnswer(errs []fieldError) answer {
	return func(w http.ResponseWriter) {
		writeSchedulerError(w, http.StatusBadRequest, "Failed json validation!", errs)
	}
}

func missTimeAnswer(w http.ResponseWriter) {
	writeSchedulerError(w, http.StatusBadRequest, "Miss time fields.", nil)
}

// defaultPageSize is used without page_size (inferred: Zoom's usual
// default, docs/zoom-api.md#pagination).
const defaultPageSize = 30

// showDeleted reads the show_deleted query parameter.
func showDeleted(r *http.Request) (bool, []fieldError) {
	s := r.URL.Query().Get("show_deleted")
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, []fieldError{{"show_deleted", "show_deleted must be true or false."}}
	}
	return b, nil
}

// paginate picks the indexes of items 0..n-1 that keep accepts for the page
// asked for by page_size and next_page_token. The token names the list kind,
// the owner and the index the next page starts at; pages only ever append,
// so a token stays valid.
func (e *Emulator) paginate(r *http.Request, kind, owner string, n int, keep func(int) bool) (idx []int, next string, errs []fieldError) {
	q := r.URL.Query()
	size := e.pageSize(r)
	if size < 0 {
		errs = append(errs, fieldError{"page_size", "page_size must be a whole number from 1 to " +
			strconv.Itoa(e.opts.PageSizeMax) + "."})
	}
	start := 0
	if t := q.Get("next_page_token"); t != "" {
		i, ok := decodePageToken(t, kind, owner, n)
		if !ok {
			errs = append(errs, fieldError{"next_page_token", "Invalid next_page_token."})
		}
		start = i
	}
	if errs != nil {
		return nil, "", errs
	}
	i := start
	for ; i < n && len(idx) < size; i++ {
		if keep(i) {
			idx = append(idx, i)
		}
	}
	for ; i < n; i++ {
		if keep(i) {
			return idx, encodePageToken(kind, owner, i), nil
		}
	}
	return idx, "", nil
}

// pageSize is the page size r asks for, capped at Options.PageSizeMax;
// -1 when page_size is not a whole number (0 means the default).
func (e *Emulator) pageSize(r *http.Request) int {
	size := min(defaultPageSize, e.opts.PageSizeMax)
	if s := r.URL.Query().Get("page_size"); s != "" {
		v, err := strconv.Atoi(s)
		switch {
		case err != nil || v < 0:
			return -1
		case v > 0:
			size = min(v, e.opts.PageSizeMax)
		}
	}
	return size
}

func encodePageToken(kind, owner string, i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + "\x00" + owner + "\x00" + strconv.Itoa(i)))
}

func decodePageToken(t, kind, owner string, n int) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return 0, false
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 || parts[0] != kind || parts[1] != owner {
		return 0, false
	}
	i, err := strconv.Atoi(parts[2])
	if err != nil || i <= 0 || i > n {
		return 0, false
	}
	return i, true
}

// listSchedules is GET /v2/scheduler/schedules: the acting user's pages in
// creation order; cancelled ones only with show_deleted=true. from, to and
// time_zone are ignored (inferred: they filter events, not pages;
// docs/zoom-api.md#endpoints).
func (e *Emulator) listSchedules(w http.ResponseWriter, r *http.Request, _ string) {
	u, ok := e.actingUser(w, r)
	if !ok {
		return
	}
	deleted, errs := showDeleted(r)
	var body bytes.Buffer
	e.mu.Lock()
	var recs []*record
	if oi := e.owners[u.email]; oi != nil {
		recs = oi.pages
	}
	idx, next, perrs := e.paginate(r, "schedules", u.email, len(recs), func(i int) bool {
		return deleted || !recs[i].cancelled()
	})
	if errs = append(errs, perrs...); errs == nil {
		tok, _ := json.Marshal(next)
		body.WriteString(`{"next_page_token":`)
		body.Write(tok)
		body.WriteString(`,"items":[`)
		for n, i := range idx {
			if n > 0 {
				body.WriteByte(',')
			}
			body.Write(recs[i].raw)
		}
		body.WriteString(`]}`)
	}
	e.mu.Unlock()
	if errs != nil {
		writeValidation(w, errs)
		return
	}
	writeRaw(w, http.StatusOK, body.Bytes())
}

// lookup finds owner's page by schedule id or by slug (observed). Another
// user's page is not found (observed under S2S, docs/zoom-api.md#endpoints).
// e.mu is held.
func (e *Emulator) lookup(owner, ref string, withCancelled bool) *record {
	if rec, ok := e.byID[ref]; ok {
		if rec.page.Owner != owner || rec.cancelled() && !withCancelled {
			return nil
		}
		return rec
	}
	oi := e.owners[owner]
	if oi == nil {
		return nil
	}
	if rec := oi.bySlug[slugKey(ref)]; rec != nil {
		return rec
	}
	if withCancelled { // the latest cancelled page with that slug
		for i := len(oi.pages) - 1; i >= 0; i-- {
			if rec := oi.pages[i]; rec.cancelled() && strings.EqualFold(rec.page.Slug, ref) {
				return rec
			}
		}
	}
	return nil
}

// getSchedule is GET /v2/scheduler/schedules/{scheduleId}; a cancelled page
// is found only with show_deleted=true (inferred from the list,
// docs/zoom-api.md#endpoints).
func (e *Emulator) getSchedule(w http.ResponseWriter, r *http.Request, ref string) {
	u, ok := e.actingUser(w, r)
	if !ok {
		return
	}
	deleted, errs := showDeleted(r)
	if errs != nil {
		writeValidation(w, errs)
		return
	}
	e.mu.Lock()
	var raw []byte
	if rec := e.lookup(u.email, ref, deleted); rec != nil {
		raw = rec.raw
	}
	e.mu.Unlock()
	if raw == nil {
		writeNotFound(w)
		return
	}
	writeRaw(w, http.StatusOK, raw)
}

// createSchedule is POST /v2/scheduler/schedules: 201 with the stored page
// (documented, docs/zoom-api.md#endpoints). A late commit (see
// Options.LateCommit) stores the page later and the answer is dropped.
func (e *Emulator) createSchedule(w http.ResponseWriter, r *http.Request, _ string) {
	u, ok := e.actingUser(w, r)
	if !ok {
		return
	}
	b, jerrs := readBody(r)
	if jerrs == nil {
		jerrs = createQuirks(b)
	}
	if jerrs != nil {
		quirkAnswer(jerrs)(w)
		return
	}
	if missTime(b, nil) {
		missTimeAnswer(w)
		return
	}
	e.mu.Lock()
	p, errs := e.build(u, b, e.mode, false)
	var raw []byte
	late := lateCommitFrom(r.Context())
	if errs == nil {
		if late > 0 {
			e.deferCommit(p, late)
			raw, _ = json.Marshal(p)
		} else {
			raw = e.store(p).raw
		}
	}
	e.mu.Unlock()
	if errs != nil {
		writeValidation(w, errs)
		return
	}
	if late == 0 {
		e.changed()
	}
	writeRaw(w, http.StatusCreated, raw)
}

// create validates b and stores the page for owner; e.mu is held.
func (e *Emulator) create(owner *user, b *scheduleBody, mode Mode) (*record, []fieldError) {
	p, errs := e.build(owner, b, mode, false)
	if errs != nil {
		return nil, errs
	}
	return e.store(p), nil
}

// build validates b and fills in Zoom's defaults for a page of owner made
// through the API, without storing it; e.mu is held. dupSlug allows a slug
// another live page of owner has.
func (e *Emulator) build(owner *user, b *scheduleBody, mode Mode, dupSlug bool) (Page, []fieldError) {
	p := Page{
		Duration:             30, // inferred, docs/zoom-api.md#schedule-fields
		StartTimeIncrement:   30, // inferred, docs/zoom-api.md#schedule-fields
		Capacity:             1,
		ScheduleType:         scheduleTypeOne,
		AddOnType:            "zoomMeeting",
		IntervalType:         "unlimited",
		AvailabilityOverride: true,
		Active:               true,
		Status:               statusConfirmed,
		Owner:                owner.email,
		CreatedVia:           CreatedViaAPI,
	}
	v := &validator{}
	e.applyBody(v, &p, b, owner, true)
	if p.Slug != "" && !dupSlug && e.slugTaken(owner.email, p.Slug, nil) {
		v.add("slug", "The slug %q is already used by another schedule of this user.", p.Slug)
	}
	if v.errs != nil {
		return Page{}, v.errs
	}
	if b.TimeZone == nil { // inferred, docs/zoom-api.md#schedule-fields
		p.TimeZone = defaultTimeZone
		if len(p.AvailabilityRules) > 0 && p.AvailabilityRules[0].TimeZone != "" {
			p.TimeZone = p.AvailabilityRules[0].TimeZone
		}
	}
	if p.Slug == "" {
		p.Slug = e.generateSlug(owner.email, p.Summary)
	}
	switch mode {
	case ModeDowngrade:
		// Observed, docs/zoom-api.md#multi-host-pages: the pool fields and
		// schedule_type "multiple" are ignored; the page is One to One.
		p.ScheduleType = scheduleTypeOne
		p.AvailabilityRules = ownerRule(p.AvailabilityRules, owner.email)
		p.Kind = KindOneToOne
	case ModeAnyHost:
		// Inferred, docs/zoom-api.md#multi-host-pages: stored as asked but
		// as round robin; it reads back like an All Hosts Available page.
		p.Kind = kindOf(p.ScheduleType)
		if p.Kind == KindAllHosts {
			p.Kind = KindAnyHost
		}
	default:
		p.Kind = kindOf(p.ScheduleType)
	}
	fillRuleZones(&p)
	person := Person{Self: true, DisplayName: owner.displayName, Email: owner.email}
	p.Creator, p.Organizer = person, person
	p.SchedulingURL = schedulingURL(owner, p.Slug)
	p.Updated = e.stamp()
	p.ScheduleID = e.newID()
	return p, nil
}

// newID is a schedule id no page has: 26 of [a-z2-7] like Zoom's
// (documented, docs/zoom-api.md#schedule-fields); e.mu is held.
func (e *Emulator) newID() string {
	for {
		id := strings.ToLower(rand.Text())
		if _, dup := e.byID[id]; !dup {
			return id
		}
	}
}

// store indexes a built page; e.mu is held.
func (e *Emulator) store(p Page) *record {
	rec := &record{}
	rec.set(p)
	e.index(rec)
	return rec
}

// ownerRule is what downgrade mode keeps: the owner's rule, or the first
// rule re-labelled with the owner's email.
func ownerRule(rules []AvailabilityRule, owner string) []AvailabilityRule {
	for _, r := range rules {
		if r.Email == owner {
			return []AvailabilityRule{r}
		}
	}
	if len(rules) == 0 {
		return nil
	}
	r := rules[0]
	r.Email = owner
	return []AvailabilityRule{r}
}

// fillRuleZones gives rules without a time zone the page's (inferred,
// docs/zoom-api.md#schedule-fields).
func fillRuleZones(p *Page) {
	for i := range p.AvailabilityRules {
		if p.AvailabilityRules[i].TimeZone == "" {
			p.AvailabilityRules[i].TimeZone = p.TimeZone
		}
	}
}

func schedulingURL(owner *user, slug string) string {
	return userURL(owner) + "/" + slug
}

// stamp is the updated time: RFC 3339 UTC with milliseconds and Z.
func (e *Emulator) stamp() string {
	return e.now().UTC().Format("2006-01-02T15:04:05.000Z")
}

// index adds a new page to the indexes; e.mu is held.
func (e *Emulator) index(rec *record) {
	p := &rec.page
	e.all = append(e.all, rec)
	e.byID[p.ScheduleID] = rec
	oi := e.owners[p.Owner]
	if oi == nil {
		oi = &ownerIndex{bySlug: map[string]*record{}}
		e.owners[p.Owner] = oi
	}
	oi.pages = append(oi.pages, rec)
	if k := slugKey(p.Slug); !rec.cancelled() && oi.bySlug[k] == nil {
		oi.bySlug[k] = rec
	}
}

// slugTaken reports whether another non-cancelled page of owner than self
// has slug (case-insensitive); e.mu is held.
func (e *Emulator) slugTaken(owner, slug string, self *record) bool {
	oi := e.owners[owner]
	if oi == nil {
		return false
	}
	rec := oi.bySlug[slugKey(slug)]
	return rec != nil && rec != self
}

// generateSlug makes a slug from the summary, unique for owner: lower case,
// runs of other characters as "-", "-2", "-3"… appended when taken.
func (e *Emulator) generateSlug(owner, summary string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(summary) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
	}
	base := b.String()
	if len(base) > 240 {
		base = strings.TrimRight(base[:240], "-")
	}
	if len(base) < 3 {
		base = strings.TrimPrefix(base+"-page", "-")
	}
	slug := base
	for n := 2; e.slugTaken(owner, slug, nil); n++ {
		slug = fmt.Sprintf("%s-%d", base, n)
	}
	return slug
}

// patchSchedule is PATCH /v2/scheduler/schedules/{scheduleId}: 204 with an
// empty body. Only the fields sent change; rules are replaced wholesale;
// buffer is merged per key; schedule_type and unknown fields are ignored.
func (e *Emulator) patchSchedule(w http.ResponseWriter, r *http.Request, ref string) {
	u, ok := e.actingUser(w, r)
	if !ok {
		return
	}
	b, jerrs := readBody(r)
	e.mu.Lock()
	a := e.patch(u, ref, b, jerrs)
	e.mu.Unlock()
	if a != nil {
		a(w)
		return
	}
	e.changed()
	writeNoContent(w)
}

// patch applies b to owner's page ref, or returns the error answer; e.mu is
// held. The page must exist before its body is judged (inferred,
// docs/zoom-api.md#endpoints).
func (e *Emulator) patch(owner *user, ref string, b *scheduleBody, jerrs []fieldError) answer {
	rec := e.lookup(owner.email, ref, false)
	if rec == nil {
		return writeNotFound
	}
	if jerrs == nil {
		jerrs = patchQuirks(b)
	}
	if jerrs != nil {
		return quirkAnswer(jerrs)
	}
	old := rec.page
	if missTime(b, &old) {
		return missTimeAnswer
	}
	p := old
	v := &validator{}
	e.applyBody(v, &p, b, owner, false)
	if b.AvailabilityRules != nil && e.mode == ModeDowngrade {
		p.AvailabilityRules = knownHosts(p.AvailabilityRules, old.AvailabilityRules)
	}
	if p.Status != statusCancelled && e.slugTaken(owner.email, p.Slug, rec) {
		v.add("slug", "The slug %q is already used by another schedule of this user.", p.Slug)
	}
	if v.errs != nil {
		return validationAnswer(v.errs)
	}
	if b.AvailabilityRules != nil {
		fillRuleZones(&p)
	}
	p.SchedulingURL = schedulingURL(owner, p.Slug)
	p.Updated = e.stamp()
	e.replace(rec, p)
	return nil
}

// knownHosts is what downgrade mode keeps of new rules: those of hosts
// already on the page, since the API cannot add hosts. If none is left the
// old rules stay (inferred, docs/zoom-api.md#multi-host-pages).
func knownHosts(rules, old []AvailabilityRule) []AvailabilityRule {
	var kept []AvailabilityRule
	for _, r := range rules {
		for _, o := range old {
			if r.Email == o.Email {
				kept = append(kept, r)
				break
			}
		}
	}
	if kept == nil {
		return old
	}
	return kept
}

// replace stores p as rec's page and keeps the slug index right; e.mu is
// held. Two live pages can share a slug after a late commit or a seed; the
// index then names the older one, and the other takes its place when it
// goes.
func (e *Emulator) replace(rec *record, p Page) {
	oi := e.owners[p.Owner]
	old := slugKey(rec.page.Slug)
	if oi.bySlug[old] == rec {
		delete(oi.bySlug, old)
	}
	rec.set(p)
	if k := slugKey(p.Slug); !rec.cancelled() && oi.bySlug[k] == nil {
		oi.bySlug[k] = rec
	}
	if oi.bySlug[old] == nil {
		for _, other := range oi.pages {
			if !other.cancelled() && slugKey(other.page.Slug) == old {
				oi.bySlug[old] = other
				break
			}
		}
	}
}

// deleteSchedule is DELETE /v2/scheduler/schedules/{scheduleId}: a soft
// delete (status cancelled, slug free again), 204 with an empty body. It
// also bumps updated (inferred, docs/zoom-api.md#endpoints).
func (e *Emulator) deleteSchedule(w http.ResponseWriter, r *http.Request, ref string) {
	u, ok := e.actingUser(w, r)
	if !ok {
		return
	}
	e.mu.Lock()
	rec := e.lookup(u.email, ref, false)
	if rec != nil {
		p := rec.page
		p.Status = statusCancelled
		p.Updated = e.stamp()
		e.replace(rec, p)
	}
	e.mu.Unlock()
	if rec == nil {
		writeNotFound(w)
		return
	}
	e.changed()
	writeNoContent(w)
}
