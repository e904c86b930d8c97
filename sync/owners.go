package sync

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	gosync "sync"
)

// OwnerStore remembers the owners of earlier runs, so that a plan also
// lists the pages with the slug prefix of an owner whose last row has left
// the sheet. Without it a plan lists only the pages of the sheet's owners:
// Zoom's API has no cheap way to find every user who holds such a page
// (one listing per user of the account), so pages of owners zoomsync never
// saw in the sheet stay unlisted.
type OwnerStore interface {
	// Load returns the owners remembered, or none.
	Load() ([]string, error)
	// Save replaces them.
	Save(owners []string) error
}

// OwnersFile is the file under state_dir that FileOwners keeps.
const OwnersFile = "owners.json"

// FileOwners keeps the owners in one small JSON file, written atomically.
// It holds the owners' email addresses, as the sheet does.
type FileOwners struct {
	Path string
	mu   gosync.Mutex
}

// NewFileOwners keeps owners in <stateDir>/owners.json.
func NewFileOwners(stateDir string) *FileOwners {
	return &FileOwners{Path: filepath.Join(stateDir, OwnersFile)}
}

type ownersFile struct {
	Owners []string `json:"owners"`
}

// Load implements OwnerStore.
func (f *FileOwners) Load() ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var of ownersFile
	if err := readState(f.Path, "the owners of earlier runs", &of); err != nil {
		return nil, err
	}
	return of.Owners, nil
}

// Save implements OwnerStore.
func (f *FileOwners) Save(owners []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return writeState(f.Path, "the owners", ownersFile{Owners: owners})
}

// formerOwners returns the remembered owners who own no row now, sorted;
// none without a slug prefix (no page is known to be managed) or a store.
func (e *Engine) formerOwners(plan *Plan, owners []string) []string {
	if e.opts.Owners == nil || e.opts.SlugPrefix == "" {
		return nil
	}
	saved, err := e.opts.Owners.Load()
	if err != nil {
		plan.Warnings = append(plan.Warnings, fmt.Sprintf("%v; only the pages of the sheet's owners are listed", err))
		return nil
	}
	current := map[string]bool{}
	for _, o := range owners {
		current[o] = true
	}
	set := map[string]bool{}
	for _, o := range saved {
		if o = normEmail(o); o != "" && !current[o] {
			set[o] = true
		}
	}
	return sortedKeys(set)
}

// rememberOwners is what the next run remembers: the sheet's owners, and
// former owners still holding pages with the slug prefix.
func (e *Engine) rememberOwners(plan *Plan, owners, former []string, listings map[string]*listing) {
	if e.opts.Owners == nil || e.opts.SlugPrefix == "" {
		return
	}
	prefix := strings.ToLower(e.opts.SlugPrefix)
	keep := append([]string(nil), owners...)
	for _, o := range former {
		l := listings[o]
		if l == nil {
			keep = append(keep, o) // not listed this time: ask again next run
			continue
		}
		for _, s := range l.pages {
			if strings.HasPrefix(strings.ToLower(s.Slug), prefix) {
				keep = append(keep, o)
				break
			}
		}
	}
	sort.Strings(keep)
	plan.remember = keep
}

// saveOwners keeps the plan's owners for the next runs.
func (e *Engine) saveOwners(plan *Plan, rep *Report) {
	if e.opts.Owners == nil || plan.remember == nil {
		return
	}
	if err := e.opts.Owners.Save(plan.remember); err != nil {
		msg := fmt.Sprintf("could not save the owners of this run (%v); the next run may not list the pages of owners who leave the sheet", err)
		rep.Warnings = append(rep.Warnings, msg)
		e.log.Warn(msg)
	}
}
