package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"github.com/zoomsync/zoomsync/internal/suggest"
	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
)

// FieldError is one problem with one key.
type FieldError struct {
	Path    string // e.g. "sync.prune"
	Message string
}

func (e FieldError) Error() string { return e.Path + ": " + e.Message }

// ValidationError lists every problem found: keys zoomsync does not know
// (in file order), then values that are wrong (in key order).
type ValidationError struct {
	Fields  []FieldError
	Unknown []*UnknownKeyError
}

func (e *ValidationError) Error() string {
	if len(e.Unknown) == 1 && len(e.Fields) == 0 {
		return e.Unknown[0].Error()
	}
	var lines []string
	for _, u := range e.Unknown {
		lines = append(lines, u.Error())
	}
	for _, f := range e.Fields {
		lines = append(lines, f.Error())
	}
	return "invalid configuration:\n  " + strings.Join(lines, "\n  ")
}

// Unwrap gives the unknown keys to errors.As.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Unknown))
	for i, u := range e.Unknown {
		out[i] = u
	}
	return out
}

// Scope says which parts of the config a command needs.
type Scope int

const (
	// ScopeSource checks the source, columns, defaults and write-back
	// (zoomsync validate: no Zoom settings needed).
	ScopeSource Scope = iota
	// ScopeSync also checks the Zoom settings and sync policy.
	ScopeSync
	// ScopeServe also checks the serve settings.
	ScopeServe
	// ScopeZoom checks the Zoom settings, columns and defaults but not the
	// source or write-back (zoomsync import reads Zoom and writes a roster).
	ScopeZoom
)

// Validate checks the config for a command of the given scope and returns a
// *ValidationError naming every bad key, or nil.
func (c *Config) Validate(scope Scope) error {
	v := &validator{cfg: c}
	if scope != ScopeZoom {
		v.source()
	}
	v.columns()
	v.defaults()
	if scope != ScopeZoom {
		v.writeback()
	}
	v.oneOf("log.format", c.Log.Format, "text", "json")
	v.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	if scope >= ScopeSync {
		v.zoom()
		if scope != ScopeZoom {
			v.sync()
		}
	}
	if scope == ScopeServe {
		v.serve()
	}
	v.notify()
	if len(v.errs) == 0 {
		return nil
	}
	sort.SliceStable(v.errs, func(i, j int) bool { return v.errs[i].Path < v.errs[j].Path })
	return &ValidationError{Fields: v.errs}
}

type validator struct {
	cfg  *Config
	errs []FieldError
}

func (v *validator) add(path, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) oneOf(path, value string, allowed ...string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.add(path, "%q is not allowed; use one of: %s", value, strings.Join(allowed, ", "))
}

// required reports an empty value, naming the unset variable if the file
// referred to one.
func (v *validator) required(path, value, hint string) {
	if value != "" {
		return
	}
	if name, ok := v.cfg.unset[path]; ok {
		v.add(path, "is empty: it refers to ${%s}, which is not set in the environment", name)
		return
	}
	v.add(path, "is required: %s", hint)
}

func (v *validator) source() {
	s := v.cfg.Source
	v.oneOf("source.type", s.Type, SourceGSheet, SourceCSV)
	switch s.Type {
	case SourceGSheet:
		v.required("source.spreadsheet_id", s.SpreadsheetID, "the id in the sheet's URL, docs.google.com/spreadsheets/d/<id>/edit")
		if strings.Contains(s.SpreadsheetID, "/") {
			v.add("source.spreadsheet_id", "looks like a URL; use only the id between /d/ and /edit")
		}
		if s.Credentials == "" {
			v.add("source.credentials", "is required: adc, none, or the path of a service-account key file")
		}
		if s.Endpoint != "" {
			v.url("source.endpoint", s.Endpoint)
		}
	case SourceCSV:
		v.required("source.path", s.Path, "the CSV file to read")
	}
}

func (v *validator) columns() {
	cols := sheet.Columns()
	seen := map[string]string{}
	keys := make([]string, 0, len(v.cfg.Columns))
	for k := range v.cfg.Columns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		header := v.cfg.Columns[k]
		if !sheet.IsColumn(k) {
			msg := fmt.Sprintf("%q is not a column; use one of: %s", k, strings.Join(cols, ", "))
			if s := suggest.Closest(k, cols); s != "" {
				msg = fmt.Sprintf("%q is not a column (did you mean %q?); use one of: %s", k, s, strings.Join(cols, ", "))
			}
			v.add("columns."+k, "%s", msg)
			continue
		}
		if strings.TrimSpace(header) == "" {
			v.add("columns."+k, "is empty: give the header text used in the sheet")
			continue
		}
		norm := sheet.NormalizeHeader(header)
		if other, dup := seen[norm]; dup {
			v.add("columns."+k, "header %q is already used by columns.%s", header, other)
		}
		seen[norm] = k
	}
}

// defaults applies the sheet's own rules for the values blank cells take,
// so a default is judged exactly as a cell would be.
func (v *validator) defaults() {
	var de *sheet.DefaultsError
	if errors.As(sheet.CheckDefaults(v.cfg.Defaults.Sheet()), &de) {
		for _, p := range de.Problems {
			v.add("defaults."+p.Field, "%s", p.Message)
		}
	}
}

func (v *validator) writeback() {
	w := v.cfg.Writeback
	cols := map[string]string{
		"writeback.columns.schedule_id": w.Columns.ScheduleID,
		"writeback.columns.booking_url": w.Columns.BookingURL,
		"writeback.columns.status":      w.Columns.Status,
		"writeback.columns.synced_at":   w.Columns.SyncedAt,
	}
	for path, header := range cols {
		if strings.TrimSpace(header) == "" {
			v.add(path, "is empty: give the header text of the write-back column")
		}
	}
	if w.Enabled && v.cfg.Source.Type != SourceGSheet {
		v.add("writeback.enabled", "write-back needs source.type gsheet (a CSV file is not written to)")
	}
	if w.Enabled && v.cfg.Source.Credentials == CredentialsNone && v.cfg.Source.Endpoint == "" {
		v.add("writeback.enabled", "write-back needs credentials with edit access; source.credentials is none")
	}
}

func (v *validator) zoom() {
	z := v.cfg.Zoom
	if !z.Emulator {
		v.required("zoom.account_id", z.AccountID, "set ZOOM_ACCOUNT_ID or zoom.account_id (Zoom Marketplace → your Server-to-Server OAuth app → App Credentials)")
		v.required("zoom.client_id", z.ClientID, "set ZOOM_CLIENT_ID or zoom.client_id")
		v.required("zoom.client_secret", string(z.ClientSecret), "set ZOOM_CLIENT_SECRET or zoom.client_secret")
		v.url("zoom.api_url", z.APIURL)
		v.url("zoom.oauth_url", z.OAuthURL)
	} else {
		e := v.cfg.Emulator
		v.oneOf("emulator.mode", e.Mode, ModeDowngrade, ModeCollective, ModeAnyHost)
		if e.RateLimit < 0 {
			v.add("emulator.rate_limit", "must be 0 (no limit) or more")
		}
		if e.ErrorRate < 0 || e.ErrorRate > 1 {
			v.add("emulator.error_rate", "%v is not a share between 0 and 1", e.ErrorRate)
		}
		if e.DropPostRate < 0 || e.DropPostRate > 1 {
			v.add("emulator.drop_post_rate", "%v is not a share between 0 and 1", e.DropPostRate)
		}
	}
	if !z.RateLimit.Auto && z.RateLimit.PerSecond <= 0 {
		v.add("zoom.rate_limit", "%v is not allowed; use auto, or a number of requests per second above 0 (Zoom allows 30/s on Pro, 80/s on Business+ per account)", z.RateLimit.PerSecond)
	}
	if z.QuotaShare < 1 || z.QuotaShare > 100 {
		v.add("zoom.quota_share", "%v is out of range; use a percentage from 1 to 100", z.QuotaShare)
	}
	if z.Concurrency < 1 || z.Concurrency > 64 {
		v.add("zoom.concurrency", "%d is out of range; use 1 to 64", z.Concurrency)
	}
	if z.Timeout <= 0 {
		v.add("zoom.timeout", "must be a positive duration such as 30s")
	}
	if z.MaxRetries < -1 || z.MaxRetries > 100 {
		v.add("zoom.max_retries", "%d is out of range; use -1 (never retry), 0 (the default, %d) or up to 100", z.MaxRetries, zoom.DefaultMaxRetries)
	}
}

func (v *validator) sync() {
	s := v.cfg.Sync
	v.oneOf("sync.on_downgrade", s.OnDowngrade, OnDowngradeDelete, OnDowngradeKeep)
	v.oneOf("sync.prune", s.Prune, PruneOff, PruneDeactivate, PruneDelete)
	if s.Prune != PruneOff && strings.TrimSpace(s.SlugPrefix) == "" {
		v.add("sync.slug_prefix", "is required when sync.prune is %s: only pages whose slug starts with it are ever pruned", s.Prune)
	}
	if s.SlugPrefix != "" && !isSlugText(s.SlugPrefix) {
		v.add("sync.slug_prefix", "%q may only hold a-z, 0-9 and -", s.SlugPrefix)
	}
	if s.MaxPrune < 0 {
		v.add("sync.max_prune", "must be 0 or more")
	}
	if s.MaxPrunePercent < 0 || s.MaxPrunePercent > 100 {
		v.add("sync.max_prune_percent", "%v is not a percentage between 0 and 100", s.MaxPrunePercent)
	}
	if s.RecheckCreate <= 0 {
		v.add("sync.recheck_create", "%v is not allowed; use a positive duration such as 168h", s.RecheckCreate)
	}
	v.oneOf("sync.dedupe", s.Dedupe, DedupeDelete, DedupeReport)
}

func (v *validator) serve() {
	if strings.TrimSpace(v.cfg.Serve.Schedule) == "" {
		v.add("serve.schedule", "is required: a cron spec such as \"CRON_TZ=UTC */30 * * * *\" or \"@every 15m\"")
	}
	if _, _, err := net.SplitHostPort(v.cfg.Serve.Addr); err != nil && v.cfg.Serve.Addr != "" {
		v.add("serve.addr", "%q is not host:port (for example 127.0.0.1:9090)", v.cfg.Serve.Addr)
	}
	if v.cfg.Serve.ShutdownTimeout <= 0 {
		v.add("serve.shutdown_timeout", "must be a positive duration such as 2m")
	}
}

func (v *validator) notify() {
	if r := v.cfg.Notify.Reminder; r < 0 {
		v.add("notify.reminder", "%v is not allowed; use 0 (off) or a positive duration such as 24h", r)
	} else if r > 0 && v.cfg.Notify.WebhookURL == "" {
		v.add("notify.reminder", "needs notify.webhook_url: a reminder is sent to the webhook")
	}
	if u := v.cfg.Notify.WebhookURL.Reveal(); u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			// The URL itself is a credential: never echo it.
			v.add("notify.webhook_url", "is not an http(s) URL")
		}
	}
}

func (v *validator) url(path, value string) {
	p, err := url.Parse(value)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		v.add(path, "%q is not an http(s) URL", value)
	}
}

func isSlugText(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
