package emulator

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"net/http"
	"net/mail"
	"strings"
	"unicode"
)

// A user's default time zone and weekly hours (inferred,
// docs/zoom-api.md#users).
const defaultTimeZone = "America/Los_Angeles"

// user is a Scheduler user of the account. Everything but the email is
// derived from it (inferred, docs/zoom-api.md#users), so it is stable
// across restarts.
type user struct {
	id, email, slug, displayName string
}

func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validEmail reports whether s is a bare address such as a@b.c.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".") && !strings.ContainsAny(s, " \t<>")
}

func hashText(prefix, s string) []byte {
	h := sha256.Sum256([]byte(prefix + s))
	return h[:]
}

// newUser derives a user from an email.
func newUser(email string) *user {
	local := email[:strings.LastIndexByte(email, '@')]
	var slug strings.Builder
	for _, c := range local {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '-':
			slug.WriteRune(c)
		default:
			slug.WriteByte('-')
		}
	}
	words := strings.FieldsFunc(local, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) })
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return &user{
		id:          base64.RawURLEncoding.EncodeToString(hashText("user:", email)[:16]),
		email:       email,
		slug:        strings.Trim(slug.String(), "-"),
		displayName: strings.Join(words, " "),
	}
}

// availabilityID is the id of a user's default availability: 26 lowercase
// letters and digits like Zoom's ids.
func availabilityID(email string) string {
	return strings.ToLower(base32.StdEncoding.EncodeToString(hashText("availability:", email)))[:26]
}

// defaultWeek is every user's default availability (inferred,
// docs/zoom-api.md#users).
func defaultWeek() *WeeklyHours {
	day := func() []TimeRange { return []TimeRange{{Start: "09:00", End: "17:00"}} }
	return &WeeklyHours{Mon: day(), Tue: day(), Wed: day(), Thu: day(), Fri: day()}
}

// addUser registers email (normalised) as a user; e.mu is held or e is not
// shared yet.
func (e *Emulator) addUser(email string) *user {
	if u, ok := e.users[email]; ok {
		return u
	}
	u := newUser(email)
	e.users[email] = u
	e.userIDs[u.id] = email
	e.userList = append(e.userList, u)
	return u
}

// findUser resolves a user id or email; e.mu is held. Without
// Options.Users any valid email is provisioned on first sight.
func (e *Emulator) findUser(ref string) (*user, bool) {
	if email, ok := e.userIDs[ref]; ok {
		return e.users[email], true
	}
	email := normEmail(ref)
	if u, ok := e.users[email]; ok {
		return u, true
	}
	if e.restrict || !validEmail(email) {
		return nil, false
	}
	return e.addUser(email), true
}

// actingUser is the user a request acts for: user_id (an id or email), or
// AdminEmail when absent. "me" is also the admin (inferred). When it is not
// a user, actingUser answers 403 User Not Found (observed,
// docs/zoom-api.md#auth) and returns false.
func (e *Emulator) actingUser(w http.ResponseWriter, r *http.Request) (*user, bool) {
	ref := r.URL.Query().Get("user_id")
	if ref == "" || ref == "me" {
		ref = e.opts.AdminEmail
	}
	e.mu.Lock()
	u, ok := e.findUser(ref)
	e.mu.Unlock()
	if !ok {
		writeUserNotFound(w)
	}
	return u, ok
}

func userURL(u *user) string { return "https://scheduler.zoom.us/" + u.slug }

// availability is an item of GET /v2/scheduler/availability.
type availability struct {
	AvailabilityID     string       `json:"availability_id"`
	Name               string       `json:"name"`
	Owner              string       `json:"owner"`
	Default            bool         `json:"default"`
	TimeZone           string       `json:"time_zone"`
	SegmentsRecurrence *WeeklyHours `json:"segments_recurrence"`
}

// listAvailability is GET /v2/scheduler/availability: every user has exactly
// one availability, their default working hours.
func (e *Emulator) listAvailability(w http.ResponseWriter, r *http.Request, _ string) {
	u, ok := e.actingUser(w, r)
	if !ok {
		return
	}
	items := []availability{{
		AvailabilityID:     availabilityID(u.email),
		Name:               "Working hours",
		Owner:              u.email,
		Default:            true,
		TimeZone:           defaultTimeZone,
		SegmentsRecurrence: defaultWeek(),
	}}
	idx, next, errs := e.paginate(r, "availability", u.email, len(items), func(int) bool { return true })
	if errs != nil {
		writeValidation(w, errs)
		return
	}
	page := make([]availability, len(idx))
	for n, i := range idx {
		page[n] = items[i]
	}
	writeJSON(w, http.StatusOK, struct {
		NextPageToken string         `json:"next_page_token"`
		Items         []availability `json:"items"`
	}{next, page})
}

// getUser is GET /v2/scheduler/users/{userId} (an id or an email).
func (e *Emulator) getUser(w http.ResponseWriter, _ *http.Request, ref string) {
	e.mu.Lock()
	u, ok := e.findUser(ref)
	e.mu.Unlock()
	if !ok {
		writeUserNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		DisplayName   string `json:"display_name"`
		Slug          string `json:"slug"`
		SchedulingURL string `json:"scheduling_url"`
		TimeZone      string `json:"time_zone"`
	}{u.displayName, u.slug, userURL(u), defaultTimeZone})
}

// accountUser is an item of GET /v2/users (documented,
// docs/zoom-api.md#users).
type accountUser struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Status    string `json:"status"`
}

// names splits the display name: the first word, then the rest (inferred,
// docs/zoom-api.md#users).
func (u *user) names() (first, last string) {
	first, last, _ = strings.Cut(u.displayName, " ")
	return first, last
}

// listUsers is GET /v2/users?status=&page_size=&next_page_token=
// (documented, docs/zoom-api.md#users): the account's users in the order
// the emulator first saw them (Options.AdminEmail, Options.Users, then any
// user_id or host a request named), paginated like the other lists
// (docs/zoom-api.md#pagination). Every user is active (inferred): status
// inactive or pending lists nobody, and another status is a code-300
// validation error.
func (e *Emulator) listUsers(w http.ResponseWriter, r *http.Request, _ string) {
	status := r.URL.Query().Get("status")
	switch status {
	case "", "active", "inactive", "pending":
	default:
		writeValidation(w, []fieldError{{"status", "status must be active, inactive or pending."}})
		return
	}
	e.mu.Lock()
	users := e.userList
	if status != "" && status != "active" {
		users = nil
	}
	idx, next, errs := e.paginate(r, "users", status, len(users), func(int) bool { return true })
	items := make([]accountUser, len(idx))
	for n, i := range idx {
		u := users[i]
		first, last := u.names()
		items[n] = accountUser{ID: u.id, Email: u.email, FirstName: first, LastName: last, Status: "active"}
	}
	total := len(users)
	e.mu.Unlock()
	if errs != nil {
		writeValidation(w, errs)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		PageSize      int           `json:"page_size"`
		TotalRecords  int           `json:"total_records"`
		NextPageToken string        `json:"next_page_token"`
		Users         []accountUser `json:"users"`
	}{e.pageSize(r), total, next, items})
}
