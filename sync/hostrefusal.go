package sync

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	gosync "sync"
	"time"

	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
)

// HostRefusal is a host change Zoom accepted but did not store: the page
// still had Have when the row asked for Want. Zoom's API cannot add hosts
// to some pages (those made in the web app), and sending the same PATCH
// again would change nothing but cost a write every run.
type HostRefusal struct {
	Owner string    `json:"owner"`
	Want  []string  `json:"want"` // the row's hosts, normalised and sorted
	Have  []string  `json:"have"` // the page's hosts read back, normalised and sorted
	Type  string    `json:"schedule_type,omitempty"`
	At    time.Time `json:"found_at"`
}

// HostRefusalStore keeps the host changes Zoom did not store, by schedule
// id, between runs.
type HostRefusalStore interface {
	// Load returns every saved refusal; a missing store is empty.
	Load() (map[string]HostRefusal, error)
	// Save replaces them all.
	Save(map[string]HostRefusal) error
}

// HostRefusalFile is the file's name under state_dir.
const HostRefusalFile = "host-refusals.json"

// FileHostRefusals keeps refusals in one small JSON file, written
// atomically (a temporary file renamed over it).
type FileHostRefusals struct {
	Path string
	mu   gosync.Mutex
}

// NewFileHostRefusals keeps refusals in <stateDir>/host-refusals.json.
func NewFileHostRefusals(stateDir string) *FileHostRefusals {
	return &FileHostRefusals{Path: filepath.Join(stateDir, HostRefusalFile)}
}

type hostRefusalFile struct {
	Pages map[string]HostRefusal `json:"pages"`
}

// Load implements HostRefusalStore.
func (f *FileHostRefusals) Load() (map[string]HostRefusal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var hf hostRefusalFile
	if err := readState(f.Path, "the host changes Zoom did not store", &hf); err != nil {
		return map[string]HostRefusal{}, err
	}
	if hf.Pages == nil {
		hf.Pages = map[string]HostRefusal{}
	}
	return hf.Pages, nil
}

// Save implements HostRefusalStore.
func (f *FileHostRefusals) Save(m map[string]HostRefusal) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return writeState(f.Path, "the host changes Zoom did not store", hostRefusalFile{Pages: m})
}

// memHostRefusals keeps refusals for the engine's life only.
type memHostRefusals struct {
	mu gosync.Mutex
	m  map[string]HostRefusal
}

func (m *memHostRefusals) Load() (map[string]HostRefusal, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]HostRefusal, len(m.m))
	for k, v := range m.m {
		out[k] = v
	}
	return out, nil
}

func (m *memHostRefusals) Save(r map[string]HostRefusal) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m = make(map[string]HostRefusal, len(r))
	for k, v := range r {
		m.m[k] = v
	}
	return nil
}

// hostRefusals is one run's view of the store: loaded by Plan, changed by
// Apply's read-backs, saved once at the end of Apply when changed.
type hostRefusals struct {
	mu    gosync.Mutex
	m     map[string]HostRefusal
	dirty bool
}

func (h *hostRefusals) set(id string, r HostRefusal) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]HostRefusal{}
	}
	h.m[strings.ToLower(id)] = r
	h.dirty = true
}

func (h *hostRefusals) clear(id string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.m[strings.ToLower(id)]; ok {
		delete(h.m, strings.ToLower(id))
		h.dirty = true
	}
}

func (h *hostRefusals) get(id string) (HostRefusal, bool) {
	if h == nil {
		return HostRefusal{}, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.m[strings.ToLower(id)]
	return r, ok
}

// loadHostRefusals reads the store for a plan; an unreadable store is
// empty (the host changes are sent again) and a warning says so.
func (e *Engine) loadHostRefusals(plan *Plan) {
	m, err := e.opts.HostRefusals.Load()
	if err != nil {
		plan.Warnings = append(plan.Warnings, fmt.Sprintf("%v; host changes Zoom did not store before are sent again", err))
		m = map[string]HostRefusal{}
	}
	plan.refusals = &hostRefusals{m: m}
}

// knownRefusal reports whether Zoom already refused this very host change:
// the same page, the row asking for the same hosts, the page still holding
// the same hosts, and found within sync.recheck_create (the period after
// which a finding about what Zoom's API does is tested again). A change in
// the sheet or in the web app, or an old finding, sends the PATCH again.
func (e *Engine) knownRefusal(h *hostRefusals, cur *zoom.Schedule, want []string) (HostRefusal, bool) {
	r, ok := h.get(cur.ScheduleID)
	if !ok {
		return r, false
	}
	if !slices.Equal(r.Want, want) || !slices.Equal(r.Have, ruleHosts(cur)) || e.opts.Now().Sub(r.At) > e.opts.RecheckCreate {
		h.clear(cur.ScheduleID)
		return r, false
	}
	return r, true
}

// refusedHostsText is the needs-manual text of a host change Zoom is known
// not to store.
func (e *Engine) refusedHostsText(cur *zoom.Schedule, r HostRefusal) string {
	return fmt.Sprintf("Zoom did not store the host change on page %s when it was sent on %s (hosts now: %s; missing: %s); its API cannot add hosts to this page, so the change is not sent again while the row and the page keep these hosts (until %s, sync.recheck_create). Add them in the Zoom web app, then run again",
		cur.ScheduleID, r.At.UTC().Format("2006-01-02"), strings.Join(r.Have, ", "), strings.Join(setMinus(r.Want, r.Have), ", "),
		r.At.Add(e.opts.RecheckCreate).UTC().Format("2006-01-02"))
}

// withStoredHosts is the row with the page's current hosts in place of its
// own: diffing it yields the row's other changes, without the host change
// Zoom is known not to store.
func withStoredHosts(p *sheet.Page, cur *zoom.Schedule) *sheet.Page {
	q := *p
	q.Hosts = ruleHosts(cur)
	return &q
}

// hostSet is the row's hosts, normalised and sorted.
func hostSet(p *sheet.Page) []string {
	out := make([]string, len(p.Hosts))
	for i, h := range p.Hosts {
		out[i] = normEmail(h)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// saveHostRefusals keeps what this run learned about host changes, and
// drops findings older than sync.recheck_create.
func (e *Engine) saveHostRefusals(plan *Plan, rep *Report) {
	h := plan.refusals
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, r := range h.m {
		if e.opts.Now().Sub(r.At) > e.opts.RecheckCreate {
			delete(h.m, id)
			h.dirty = true
		}
	}
	if !h.dirty {
		return
	}
	if err := e.opts.HostRefusals.Save(h.m); err != nil {
		msg := fmt.Sprintf("%v; the next run sends the host changes Zoom did not store again", err)
		rep.Warnings = append(rep.Warnings, msg)
		e.log.Warn(msg)
		return
	}
	h.dirty = false
}
