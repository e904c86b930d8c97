package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Seed is a starting state: users and pages made as in the web app. A seed
// file (Options.SeedPath, POST /_emulator/seed) holds one as JSON:
//
//	{
//	  "users": ["ann@example.com", "bob@example.com"],
//	  "pages": [
//	    {"owner": "ann@example.com", "summary": "Sales", "slug": "team-sales",
//	     "hosts": ["ann@example.com", "bob@example.com"], "duration": 30,
//	     "time_zone": "Europe/Paris", "kind": "all_host_available",
//	     "hours": {"mon": [{"start": "09:00", "end": "17:00"}]}},
//	    {"owner": "bob@example.com", "summary": "Left over", "slug": "team-support",
//	     "kind": "one_to_one", "created_via": "api"}
//	  ]
//	}
//
// Each page is a WebAppPage plus its owner; created_via is "web" (the
// default) or "api", for a page that stands for one an earlier run made
// through POST. Unknown keys are errors, and so are pages an admin could
// not make in the web app (a slug outside [a-z0-9-]{3,256}, a multi-host
// page with fewer than 2 hosts) or with no owner. Seeded pages may share a slug, as
// a late commit can make them.
type Seed struct {
	Users []string   `json:"users,omitempty"`
	Pages []SeedPage `json:"pages,omitempty"`
}

// SeedPage is one page of a Seed.
type SeedPage struct {
	Owner string `json:"owner"`
	WebAppPage
	CreatedVia string `json:"created_via,omitempty"`
}

// Seed adds s's users (even when Options.Users restricts the account) and
// makes its pages in order. It stops at the first page that fails, naming
// it; the pages before it stay.
func (e *Emulator) Seed(s Seed) error {
	e.mu.Lock()
	var errs []error
	for _, u := range s.Users {
		if email := normEmail(u); validEmail(email) {
			e.addUser(email)
		} else {
			errs = append(errs, fmt.Errorf("emulator: seed user %q is not an email address", u))
		}
	}
	e.mu.Unlock()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, sp := range s.Pages {
		via := sp.CreatedVia
		if via == "" {
			via = CreatedViaWeb
		}
		if _, err := e.seedPage(sp.Owner, sp.WebAppPage, via, true); err != nil {
			return fmt.Errorf("emulator: seed page %d (%s, %q): %w", i, sp.Owner, sp.Slug, err)
		}
	}
	return nil
}

// check refuses a seed whose pages an admin could not make in the web app
// (checkWebAppPage) or that name no owner, naming every such page. Seeded
// users are checked by Seed.
func (s Seed) check() error {
	var errs []error
	for i, sp := range s.Pages {
		switch {
		case strings.TrimSpace(sp.Owner) == "":
			errs = append(errs, fmt.Errorf("seed page %d (%q): \"owner\" is missing: the email of the user who made the page", i, sp.Slug))
		default:
			if err := checkWebAppPage(sp.Owner, sp.WebAppPage); err != nil {
				errs = append(errs, fmt.Errorf("seed page %d (%s, %q): %w", i, sp.Owner, sp.Slug, err))
			}
		}
	}
	return errors.Join(errs...)
}

// seedFile applies the seed file at path; only called from New.
func (e *Emulator) seedFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("emulator: read seed file: %w", err)
	}
	var s Seed
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return fmt.Errorf("emulator: seed file %s: %w", path, err)
	}
	if err := s.check(); err != nil {
		return fmt.Errorf("emulator: seed file %s: %w", path, err)
	}
	if err := e.Seed(s); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
