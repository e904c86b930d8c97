package sheet

import (
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // validate time zones the same way on every host, even in a scratch container
)

//go:generate go run ./internal/mkzones

// cellError is what is wrong with one cell; the caller adds the column.
type cellError struct{ msg, hint string }

func cellErrorf(hint, format string, args ...any) *cellError {
	return &cellError{msg: fmt.Sprintf(format, args...), hint: hint}
}

// splitHosts splits a hosts cell on ",", ";" and new lines, but not inside
// a quoted display name or <...>, so `"Doe, Jane" <jane@x.com>` stays whole.
func splitHosts(s string) []string {
	var parts []string
	var b strings.Builder
	quoted, angle := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '<' && !quoted:
			angle = true
		case r == '>' && !quoted:
			angle = false
		case (r == ',' || r == ';' || r == '\n' || r == '\r') && !quoted && !angle:
			if p := strings.TrimSpace(b.String()); p != "" {
				parts = append(parts, p)
			}
			b.Reset()
			continue
		}
		b.WriteRune(r)
	}
	if p := strings.TrimSpace(b.String()); p != "" {
		parts = append(parts, p)
	}
	return parts
}

// parseEmail reads one address: a@b.c, Name <a@b.c> or mailto:a@b.c, and
// returns it lower-cased.
func parseEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
	}
	addr, ok := plainAddress(s)
	if !ok {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return "", false
		}
		addr = a.Address
	}
	addr = strings.ToLower(addr)
	local, domain, ok := strings.Cut(addr, "@")
	// net/mail accepts forms Zoom does not (a@localhost, quoted local parts,
	// domain literals); a user's Zoom login is a plain address.
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.ContainsAny(addr, " \"[]()<>,;:\\") || len(addr) > 254 {
		return "", false
	}
	return addr, true
}

// plainAddress accepts the common case, an ASCII dot-atom address such as
// ana.li@example.com, without net/mail's allocations. Anything else (a
// display name, quoting, non-ASCII) returns false and goes to net/mail.
func plainAddress(s string) (string, bool) {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", false
	}
	return s, dotAtom(s[:at], true) && dotAtom(s[at+1:], false)
}

// dotAtom reports whether s is dot-separated runs of atom characters
// (RFC 5322; a domain only allows letters, digits and '-').
func dotAtom(s string, local bool) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.':
		case local && strings.IndexByte("!#$%&'*+/=?^_`{|}~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

var (
	reWordMinutes = regexp.MustCompile(`(\d)\s*(minutes|minute|mins|min)\b`)
	reWordHours   = regexp.MustCompile(`(\d)\s*(hours|hour|hrs|hr)\b`)
)

// parseMinutes reads a number of minutes: "30", "30.0", "30 min", "45m",
// "1h", "1h30m", "1.5 hours". It fails on anything that is not a whole
// number of minutes.
func parseMinutes(s string) (int, bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		if f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e9 {
			return 0, false
		}
		return int(f), true
	}
	t = reWordMinutes.ReplaceAllString(t, "${1}m")
	t = reWordHours.ReplaceAllString(t, "${1}h")
	t = strings.Join(strings.Fields(t), "")
	if t == "" || strings.ContainsAny(t, "+-") {
		return 0, false
	}
	d, err := time.ParseDuration(t)
	if err != nil || d%time.Minute != 0 {
		return 0, false
	}
	return int(d / time.Minute), true
}

// parseCount reads a whole number ("3", "3.0").
func parseCount(s string) (int, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, false
	}
	return int(f), true
}

// parseBool reads TRUE/FALSE and the usual spellings (yes/no, y/n, 1/0,
// on/off), in any case.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1", "on", "x", "✓", "✔":
		return true, true
	case "false", "no", "n", "0", "off":
		return false, true
	}
	return false, false
}

// zoneAbbreviations maps abbreviations people type for an IANA zone that
// follows the same clock (including daylight saving).
var zoneAbbreviations = map[string]string{
	"est": "America/New_York", "edt": "America/New_York", "et": "America/New_York", "eastern": "America/New_York",
	"cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago", "central": "America/Chicago",
	"mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver", "mountain": "America/Denver",
	"pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles", "pacific": "America/Los_Angeles",
	"akst": "America/Anchorage", "akdt": "America/Anchorage", "hst": "Pacific/Honolulu",
	"bst": "Europe/London", "ist": "Asia/Kolkata", "cet": "Europe/Berlin", "cest": "Europe/Berlin",
	"met": "Europe/Berlin", "eet": "Europe/Athens", "eest": "Europe/Athens", "wet": "Europe/Lisbon",
	"west": "Europe/Lisbon", "msk": "Europe/Moscow", "jst": "Asia/Tokyo", "kst": "Asia/Seoul",
	"sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong", "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
	"acst": "Australia/Adelaide", "awst": "Australia/Perth", "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
	"brt": "America/Sao_Paulo", "art": "America/Argentina/Buenos_Aires", "sast": "Africa/Johannesburg",
	"gst": "Asia/Dubai", "pkt": "Asia/Karachi", "wib": "Asia/Jakarta", "pht": "Asia/Manila",
}

// legacyZones are names the tz database still carries for old systems
// (fixed offsets or US rules from the 1970s); people type them meaning a
// place, and they do not follow that place's daylight saving.
var legacyZones = map[string]bool{
	"EST": true, "MST": true, "HST": true, "CET": true, "EET": true, "MET": true, "WET": true,
	"EST5EDT": true, "CST6CDT": true, "MST7MDT": true, "PST8PDT": true,
}

var (
	zoneFoldOnce sync.Once
	zoneByFold   map[string]string
	reOffsetZone = regexp.MustCompile(`^(?i:utc|gmt)\s*[+-]\s*\d`)
	reAbbrDigits = regexp.MustCompile(`^([a-z]+)\d.*$`)
)

// zoneCache remembers LoadLocation's verdicts: with a system tz database
// each call reads a file, and 10,000 rows mostly repeat a few zones.
var zoneCache sync.Map // string → bool

func knownZone(s string) bool {
	if v, ok := zoneCache.Load(s); ok {
		return v.(bool)
	}
	_, err := time.LoadLocation(s)
	ok := err == nil && !strings.ContainsAny(s, " \\") && !strings.HasPrefix(s, "/")
	if len(s) <= 64 {
		zoneCache.Store(s, ok)
	}
	return ok
}

func foldZone(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
}

// parseTimeZone checks an IANA zone name and, when it is wrong, suggests the
// name the admin probably meant.
func parseTimeZone(s string) (string, *cellError) {
	s = strings.TrimSpace(s)
	const std = "use an IANA time zone name such as America/New_York, Europe/Berlin or Asia/Tokyo"
	if s == "" || strings.EqualFold(s, "local") {
		return "", cellErrorf(std, "%q is not a time zone", s)
	}
	if legacyZones[s] {
		return "", suggestAbbreviation(s, std)
	}
	if knownZone(s) {
		return s, nil
	}
	zoneFoldOnce.Do(func() {
		zoneByFold = make(map[string]string, len(ianaZones))
		for _, z := range ianaZones {
			zoneByFold[strings.ToLower(z)] = z
		}
	})
	if z, ok := zoneByFold[foldZone(s)]; ok {
		return "", cellErrorf(fmt.Sprintf("write it exactly as %s (time zone names are case-sensitive)", z), "%q is not an IANA time zone name", s)
	}
	if reOffsetZone.MatchString(s) {
		return "", cellErrorf("use the name of a place, such as Europe/Berlin, so daylight saving is followed; a fixed offset is not a time zone Zoom accepts", "%q is a UTC offset, not a time zone", s)
	}
	if e := suggestAbbreviation(s, std); e != nil {
		return "", e
	}
	return "", cellErrorf(std+" (the \"TZ identifier\" column of https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)", "%q is not an IANA time zone", s)
}

func suggestAbbreviation(s, std string) *cellError {
	key := strings.ToLower(s)
	if m := reAbbrDigits.FindStringSubmatch(key); m != nil {
		key = m[1] // EST5, PST8PDT
	}
	if z, ok := zoneAbbreviations[key]; ok {
		return cellErrorf(fmt.Sprintf("use %s (it also follows daylight saving), or another IANA name", z), "%q is an abbreviation, not an IANA time zone", s)
	}
	if legacyZones[s] {
		return cellErrorf(std, "%q is an abbreviation, not an IANA time zone", s)
	}
	return nil
}

// ScheduleRef is what a schedule_id cell names: a Zoom schedule id, or a
// booking link https://scheduler.zoom.us/<user>/<slug> (URL and Slug set).
type ScheduleRef struct {
	ID   string // lower case, 10-64 letters and digits
	URL  string // the booking link, normalised to https://scheduler.zoom.us/<user>/<slug>
	Slug string // the link's last path segment
}

// IsZero reports whether the cell named no page.
func (r ScheduleRef) IsZero() bool { return r == ScheduleRef{} }

// String is the id, or the link.
func (r ScheduleRef) String() string {
	if r.ID != "" {
		return r.ID
	}
	return r.URL
}

const schedulerHost = "scheduler.zoom.us"

// parseScheduleRef reads a schedule_id cell.
func parseScheduleRef(s string) (ScheduleRef, *cellError) {
	s = strings.TrimSpace(s)
	const hint = "paste the page's schedule ID (letters and digits) or its booking link https://scheduler.zoom.us/<user>/<page>"
	if isScheduleID(s) {
		return ScheduleRef{ID: strings.ToLower(s)}, nil
	}
	lower := strings.ToLower(s)
	if !strings.Contains(lower, "://") && strings.HasPrefix(lower, schedulerHost+"/") {
		s = "https://" + s
		lower = "https://" + lower
	}
	if strings.Contains(lower, "://") || strings.Contains(lower, schedulerHost) {
		u, err := url.Parse(s)
		if err != nil || !strings.EqualFold(u.Host, schedulerHost) {
			return ScheduleRef{}, cellErrorf(hint, "%q is not a Zoom Scheduler booking link", truncate(s, 80))
		}
		if !strings.EqualFold(u.Scheme, "https") {
			return ScheduleRef{}, cellErrorf("use the https:// link", "%q is not an https link", truncate(s, 80))
		}
		var segs []string
		for _, p := range strings.Split(u.Path, "/") {
			if p != "" {
				segs = append(segs, p)
			}
		}
		if len(segs) < 2 {
			return ScheduleRef{}, cellErrorf(hint, "%q is a Zoom Scheduler link but not to one booking page", truncate(s, 80))
		}
		slug := strings.ToLower(segs[len(segs)-1])
		if len(slug) > maxSlug || !isSlug(slug) {
			return ScheduleRef{}, cellErrorf(hint, "the booking link %q does not end in a page slug", truncate(s, 80))
		}
		for i := range segs {
			segs[i] = strings.ToLower(segs[i])
		}
		return ScheduleRef{URL: "https://" + schedulerHost + "/" + strings.Join(segs, "/"), Slug: slug}, nil
	}
	return ScheduleRef{}, cellErrorf(hint, "%q is not a schedule ID or booking link", truncate(s, 80))
}

func isScheduleID(s string) bool {
	if len(s) < 10 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20 // ASCII lower-case
		if !(c >= 'a' && c <= 'z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

// truncate shortens s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
