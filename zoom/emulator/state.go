package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/zoomsync/zoomsync/internal/atomicfile"
)

// The state file holds the account's users in the order first seen and
// every page with its owner and kind, in creation order:
//
//	{"version":1,"users":["admin@example.com", ...],
//	 "pages":[{"owner":"a@example.com","kind":"one_to_one","created_via":"api","page":{...}}, ...]}
//
// "page" is the body GET returns. Without "kind" a page's kind follows its
// schedule_type; "users" and "created_via" may be left out. Tokens, stats, faults, knobs and
// the mode are not saved; pending late commits land before the last save.
const stateVersion = 1

type stateFile struct {
	Version int         `json:"version"`
	Users   []string    `json:"users,omitempty"`
	Pages   []statePage `json:"pages"`
}

type statePage struct {
	Owner      string          `json:"owner"`
	Kind       PageKind        `json:"kind,omitempty"`
	CreatedVia string          `json:"created_via,omitempty"`
	Page       json.RawMessage `json:"page"`
}

// saveDelay debounces saves after changes.
const saveDelay = 100 * time.Millisecond

// persister saves the state file in the background after changes.
type persister struct {
	e      *Emulator
	saveMu sync.Mutex // one writer at a time, snapshots in order
	kick   chan struct{}
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
}

func newPersister(e *Emulator) *persister {
	p := &persister{e: e, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop()
	return p
}

func (p *persister) loop() {
	defer close(p.done)
	for {
		select {
		case <-p.stop:
			return
		case <-p.kick:
		}
		t := time.NewTimer(saveDelay)
		select {
		case <-p.stop:
			t.Stop()
			return // close saves
		case <-t.C:
		}
		// A failed background save is retried by the next change, Flush or
		// Close, which report it.
		_ = p.save()
	}
}

// changed schedules a save after a mutation.
func (e *Emulator) changed() {
	if e.persist == nil {
		return
	}
	select {
	case e.persist.kick <- struct{}{}:
	default:
	}
}

func (p *persister) close() error {
	p.once.Do(func() {
		close(p.stop)
		<-p.done
	})
	return p.save()
}

// save writes a snapshot of the store atomically (temp file and rename).
func (p *persister) save() error {
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	path := p.e.opts.StatePath
	if err := atomicfile.Write(path, p.e.snapshot(), 0o644, 0o755); err != nil {
		return fmt.Errorf("emulator: save state file %s: %w", path, err)
	}
	return nil
}

func (e *Emulator) snapshot() []byte {
	e.mu.Lock()
	sf := stateFile{Version: stateVersion, Pages: make([]statePage, len(e.all)), Users: make([]string, len(e.userList))}
	for i, u := range e.userList {
		sf.Users[i] = u.email
	}
	for i, rec := range e.all {
		p := &rec.page
		sf.Pages[i] = statePage{Owner: p.Owner, Kind: p.Kind, CreatedVia: p.CreatedVia, Page: rec.raw}
	}
	e.mu.Unlock()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(sf); err != nil {
		panic("emulator: marshal state: " + err.Error()) // raw pages are valid JSON
	}
	return buf.Bytes()
}

// load reads the state file if it exists. Only called from New.
func (e *Emulator) load() error {
	path := e.opts.StatePath
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("emulator: read state file %s: %w", path, err)
	}
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("emulator: state file %s is corrupt: %s", path, fmt.Sprintf(format, args...))
	}
	var sf stateFile
	if err := json.Unmarshal(data, &sf); err != nil {
		return corrupt("%v", err)
	}
	if sf.Version != stateVersion {
		return corrupt("version %d, want %d", sf.Version, stateVersion)
	}
	for _, u := range sf.Users {
		email := normEmail(u)
		if !validEmail(email) {
			return corrupt("user %q is not an email", u)
		}
		e.addUser(email)
	}
	for i, sp := range sf.Pages {
		var p Page
		if err := json.Unmarshal(sp.Page, &p); err != nil {
			return corrupt("page %d: %v", i, err)
		}
		p.Owner = normEmail(sp.Owner)
		p.Kind, p.CreatedVia = sp.Kind, sp.CreatedVia
		if p.Kind == "" {
			p.Kind = kindOf(p.ScheduleType)
		}
		switch {
		case !validEmail(p.Owner):
			return corrupt("page %d: owner %q is not an email", i, sp.Owner)
		case p.ScheduleID == "" || e.byID[p.ScheduleID] != nil:
			return corrupt("page %d: missing or duplicate schedule_id %q", i, p.ScheduleID)
		case p.Slug == "":
			return corrupt("page %d: missing slug", i)
		case p.Kind != KindAllHosts && p.Kind != KindAnyHost && p.Kind != KindOneToOne:
			return corrupt("page %d: unknown kind %q", i, p.Kind)
		}
		// Two live pages of one owner may share a slug: a late commit can
		// make them.
		if !e.restrict { // so that their user ids resolve again
			e.addUser(p.Owner)
			for _, r := range p.AvailabilityRules {
				if validEmail(r.Email) {
					e.addUser(r.Email)
				}
			}
		}
		rec := &record{}
		rec.set(p)
		e.index(rec)
	}
	return nil
}
