package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// adminPrefix is where the loopback tooling endpoints live. They need no
// token, are not rate limited and are not counted in Stats:
//
//	GET  /_emulator/stats                          Stats plus "writes"
//	POST /_emulator/reset-stats                    204
//	POST /_emulator/faults                         JSON Fault → 204
//	GET  /_emulator/knobs                          Knobs, every field set
//	POST /_emulator/knobs                          JSON Knobs (fields to change) → 204
//	POST /_emulator/commit-pending                 {"landed":N}
//	POST /_emulator/expire-tokens                  204
//	POST /_emulator/mode?mode=downgrade            204
//	POST /_emulator/webapp/schedules?user_id=OWNER JSON WebAppPage → 201 page
//	     (or "owner" in the body instead of user_id; see checkWebAppPage)
//	POST /_emulator/seed                           JSON Seed → 204 (every page checked first)
//	GET  /_emulator/pages?user_id=&show_deleted=true
//	     {"items":[page fields plus "owner" and "kind", ...]}
//
// They answer loopback peers only (RemoteAddr), whatever address the
// server binds; any other peer gets 403.
const adminPrefix = "/_emulator/"

// ValidationError is returned by CreateWebAppPage when a field is wrong.
type ValidationError struct {
	errs []fieldError
}

func (v *ValidationError) Error() string {
	msgs := make([]string, len(v.errs))
	for i, fe := range v.errs {
		msgs[i] = fe.Field + ": " + fe.Message
	}
	return "emulator: invalid page: " + strings.Join(msgs, "; ")
}

// ErrUnknownUser is returned by CreateWebAppPage for an owner who is not a
// Scheduler user of the account.
var ErrUnknownUser = errors.New("emulator: not a Scheduler user of this account")

// CreateWebAppPage does what an admin does in the Zoom web app: it makes a
// page owned by owner, whatever the Mode, with created_via "web". By
// default it is a real All Hosts Available page (schedule_type "multiple",
// one availability rule per host); WebAppPage.Kind asks for an Any Host
// Available or a One to One page instead. The owner is one of the hosts and
// is added when missing from Hosts (inferred, docs/zoom-api.md#multi-host-pages).
// Without WebAppPage.Hours each rule refers to the host's default
// availability and carries its hours (inferred, docs/zoom-api.md#users).
func (e *Emulator) CreateWebAppPage(owner string, wp WebAppPage) (Page, error) {
	return e.seedPage(owner, wp, CreatedViaWeb, false)
}

// seedPage makes a page as the web app does, marked created by via;
// dupSlug allows a slug another page of owner has.
func (e *Emulator) seedPage(owner string, wp WebAppPage, via string, dupSlug bool) (Page, error) {
	e.mu.Lock()
	rec, err := e.createWebApp(owner, wp, via, dupSlug)
	var p Page
	if err == nil {
		p = rec.clone()
	}
	e.mu.Unlock()
	if err != nil {
		return Page{}, err
	}
	e.changed()
	return p, nil
}

// createWebApp is seedPage with e.mu held.
func (e *Emulator) createWebApp(owner string, wp WebAppPage, via string, dupSlug bool) (*record, error) {
	u, ok := e.findUser(owner)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownUser, owner)
	}
	kind := wp.Kind
	if kind == "" {
		kind = KindAllHosts
	}
	if kind != KindAllHosts && kind != KindAnyHost && kind != KindOneToOne {
		return nil, &ValidationError{[]fieldError{{"kind", fmt.Sprintf(
			"kind %q: want %s, %s or %s.", kind, KindAllHosts, KindAnyHost, KindOneToOne)}}}
	}
	switch via {
	case CreatedViaWeb, CreatedViaAPI:
	default:
		return nil, &ValidationError{[]fieldError{{"created_via", fmt.Sprintf(
			"created_via %q: want %s or %s.", via, CreatedViaWeb, CreatedViaAPI)}}}
	}
	tz := wp.TimeZone
	if tz == "" {
		tz = defaultTimeZone
	}
	hosts := []string{u.email}
	if kind != KindOneToOne {
		hosts = make([]string, 0, len(wp.Hosts)+1)
		hasOwner := false
		for _, h := range wp.Hosts {
			h = normEmail(h)
			hasOwner = hasOwner || h == u.email
			hosts = append(hosts, h)
		}
		if !hasOwner {
			hosts = append([]string{u.email}, hosts...)
		}
	}
	rules := make([]ruleBody, len(hosts))
	for i, h := range hosts {
		rules[i] = ruleBody{Email: &hosts[i], TimeZone: &tz}
		if wp.Hours != nil {
			rules[i].UseCustom = new(true)
			rules[i].SegmentsRecurrence = weekToBody(wp.Hours)
		} else {
			rules[i].AvailabilityID = new(availabilityID(h))
			rules[i].UseCustom = new(false)
			rules[i].SegmentsRecurrence = weekToBody(defaultWeek())
		}
	}
	typ := scheduleTypeMultiple
	if kind == KindOneToOne {
		typ = scheduleTypeOne
	}
	b := &scheduleBody{
		Summary:              &wp.Summary,
		TimeZone:             &tz,
		ScheduleType:         &typ,
		AvailabilityOverride: new(true),
		AvailabilityRules:    &rules,
	}
	if wp.Slug != "" {
		b.Slug = &wp.Slug
	}
	if wp.Duration != 0 {
		b.Duration = &wp.Duration
	}
	p, errs := e.build(u, b, ModeCollective, dupSlug)
	if errs != nil {
		return nil, &ValidationError{errs}
	}
	p.Kind, p.CreatedVia = kind, via
	return e.store(p), nil
}

func weekToBody(w *WeeklyHours) weekBody {
	wb := weekBody{}
	for _, k := range dayKeys {
		for _, tr := range *w.day(k) {
			wb[k] = append(wb[k], segmentBody{Start: new(tr.Start), End: new(tr.End)})
		}
	}
	return wb
}

// Pages returns copies of owner's pages (an email or user id; "" for every
// owner) in creation order, cancelled ones only if showDeleted.
func (e *Emulator) Pages(owner string, showDeleted bool) []Page {
	e.mu.Lock()
	defer e.mu.Unlock()
	recs := e.all
	if owner != "" {
		if email, ok := e.userIDs[owner]; ok {
			owner = email
		}
		oi := e.owners[normEmail(owner)]
		if oi == nil {
			return []Page{}
		}
		recs = oi.pages
	}
	out := make([]Page, 0, len(recs))
	for _, rec := range recs {
		if showDeleted || !rec.cancelled() {
			out = append(out, rec.clone())
		}
	}
	return out
}

// serveAdmin serves the endpoints under adminPrefix.
func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	want := http.MethodPost
	name := strings.TrimPrefix(r.URL.Path, adminPrefix)
	if name == "stats" || name == "pages" || name == "knobs" && r.Method == http.MethodGet {
		want = http.MethodGet
	}
	switch name {
	case "stats", "reset-stats", "faults", "knobs", "commit-pending", "expire-tokens", "mode",
		"webapp/schedules", "seed", "pages":
	default:
		writeCode(w, http.StatusNotFound, http.StatusNotFound, "Not Found.")
		return
	}
	if r.Method != want {
		allow := want
		if name == "knobs" {
			allow = "GET, POST"
		}
		methodNotAllowed(w, allow)
		return
	}
	q := r.URL.Query()
	switch name {
	case "stats":
		s := e.Stats()
		writeJSON(w, http.StatusOK, struct {
			Stats
			Writes int `json:"writes"`
		}{s, s.Writes()})
	case "reset-stats":
		e.ResetStats()
		writeNoContent(w)
	case "faults":
		var f Fault
		if err := decodeStrict(r, &f); err != nil {
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest, "Invalid fault: "+err.Error())
			return
		}
		e.InjectFault(f)
		writeNoContent(w)
	case "knobs":
		if r.Method == http.MethodGet {
			writeJSON(w, http.StatusOK, e.Knobs())
			return
		}
		var k Knobs
		if err := decodeStrict(r, &k); err != nil {
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest, "Invalid knobs: "+err.Error())
			return
		}
		if err := e.SetKnobs(k); err != nil {
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest, err.Error())
			return
		}
		writeNoContent(w)
	case "commit-pending":
		writeJSON(w, http.StatusOK, struct {
			Landed int `json:"landed"`
		}{e.CommitPending()})
	case "seed":
		var sd Seed
		if err := decodeStrict(r, &sd); err != nil {
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest, "Invalid seed: "+err.Error())
			return
		}
		if err := sd.check(); err != nil {
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest, err.Error())
			return
		}
		if err := e.Seed(sd); err != nil {
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest, err.Error())
			return
		}
		writeNoContent(w)
	case "expire-tokens":
		e.ExpireTokens()
		writeNoContent(w)
	case "mode":
		m := Mode(q.Get("mode"))
		if !validMode(m) {
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest, "mode must be one of "+modeList()+".")
			return
		}
		e.SetMode(m)
		writeNoContent(w)
	case "webapp/schedules":
		// The owner comes from ?user_id= or the body's "owner" (as in a
		// seed file); never a silent default, which would make the page
		// the admin's and the admin one of its hosts.
		var sp struct {
			Owner string `json:"owner"`
			WebAppPage
		}
		if err := decodeStrict(r, &sp); err != nil {
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest, "Invalid page: "+err.Error())
			return
		}
		owner := q.Get("user_id")
		switch {
		case owner == "" && sp.Owner == "":
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest,
				"Missing owner: add ?user_id=OWNER_EMAIL (or \"owner\" in the body) for the user who makes the page in the web app.")
			return
		case owner == "":
			owner = sp.Owner
		case sp.Owner != "" && normEmail(sp.Owner) != normEmail(owner):
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest,
				fmt.Sprintf("Two owners: ?user_id=%s and \"owner\": %q; give one.", owner, sp.Owner))
			return
		}
		if err := checkWebAppPage(owner, sp.WebAppPage); err != nil {
			writeCode(w, http.StatusBadRequest, http.StatusBadRequest, err.Error())
			return
		}
		p, err := e.CreateWebAppPage(owner, sp.WebAppPage)
		var ve *ValidationError
		switch {
		case errors.As(err, &ve):
			writeValidation(w, ve.errs)
		case err != nil:
			writeUserNotFound(w)
		default:
			writeJSON(w, http.StatusCreated, p)
		}
	case "pages":
		deleted, _ := strconv.ParseBool(q.Get("show_deleted"))
		pages := e.Pages(q.Get("user_id"), deleted)
		type ownedPage struct {
			Owner string   `json:"owner"`
			Kind  PageKind `json:"kind"`
			Page
		}
		items := make([]ownedPage, len(pages))
		for i, p := range pages {
			items[i] = ownedPage{p.Owner, p.Kind, p}
		}
		writeJSON(w, http.StatusOK, struct {
			Items []ownedPage `json:"items"`
		}{items})
	}
}

// checkWebAppPage refuses what the web app would not let an admin make, so
// that a mistyped seed fails loudly rather than standing for a page Zoom
// could never hold: a link (slug) outside lower-case letters, digits and
// hyphens, 3 to 256 of them (the web app's link field, and what the sheet
// allows; the API's own check is looser), and a multi-host page with fewer
// than 2 hosts, the owner included.
func checkWebAppPage(owner string, wp WebAppPage) error {
	var msgs []string
	if wp.Slug != "" && !webAppSlug(wp.Slug) {
		msgs = append(msgs, fmt.Sprintf("slug %q: a page link is 3 to 256 lower-case letters, digits and hyphens (e.g. %q)",
			wp.Slug, suggestSlug(wp.Slug)))
	}
	if wp.Kind == "" || wp.Kind == KindAllHosts || wp.Kind == KindAnyHost {
		hosts := map[string]bool{normEmail(owner): true}
		for _, h := range wp.Hosts {
			hosts[normEmail(h)] = true
		}
		if len(hosts) < 2 {
			kind := wp.Kind
			if kind == "" {
				kind = KindAllHosts
			}
			msgs = append(msgs, fmt.Sprintf("a %s page needs at least 2 hosts, the owner included; it has 1 (%s): list the other hosts in \"hosts\", or make it \"kind\": %q",
				kind, normEmail(owner), KindOneToOne))
		}
	}
	if len(msgs) > 0 {
		return errors.New("Invalid page: " + strings.Join(msgs, "; ") + ".")
	}
	return nil
}

// webAppSlug reports whether s is a link the web app accepts.
func webAppSlug(s string) bool {
	if len(s) < 3 || len(s) > 256 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// suggestSlug is s in lower case with other characters as hyphens.
func suggestSlug(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	return string(b)
}

// decodeStrict decodes one JSON object, rejecting unknown fields.
func decodeStrict(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
