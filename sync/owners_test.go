package sync

import (
	"strings"
	"testing"
)

type memOwners struct{ saved []string }

func (m *memOwners) Load() ([]string, error)    { return m.saved, nil }
func (m *memOwners) Save(owners []string) error { m.saved = owners; return nil }

// A page with the prefix whose owner's last row left the sheet is listed
// as unclaimed, from the owners an earlier run remembered; prune leaves it
// alone. Once the owner holds no such page, the owner is forgotten.
func TestUnclaimedPagesOfOwnersWhoLeftTheSheetAreListed(t *testing.T) {
	const two = `
team | hosts
Ops  | ann@example.com, bob@example.com
Help | cat@example.com, dan@example.com
`
	store := &memOwners{}
	e := newEnv(t, nil, Options{SlugPrefix: "t-", Owners: store, Prune: "delete", MaxPrune: 100, MaxPrunePercent: 100})
	e.run(two)
	if got := strings.Join(store.saved, ","); got != "ann@example.com,cat@example.com" {
		t.Fatalf("remembered %q", got)
	}
	e.emu.ResetStats()
	plan, rep := e.run(dropRows(two, "Help"))
	var listed []*Change
	for _, c := range plan.Changes {
		if c.Cause == CauseUnclaimed || c.Cause == CausePrune {
			listed = append(listed, c)
		}
	}
	if len(listed) != 1 || listed[0].Slug != "t-help" || listed[0].Owner != "cat@example.com" || listed[0].Action != ActionNone ||
		!strings.Contains(listed[0].Notes[0], "its owner has no row in the sheet now") {
		t.Fatalf("listed: %+v", listed)
	}
	if rep.Tally().Unclaimed != 1 || e.emu.Stats().Writes() != 0 {
		t.Errorf("%s; %d writes", rep.Summary(), e.emu.Stats().Writes())
	}
	if got := strings.Join(store.saved, ","); got != "ann@example.com,cat@example.com" {
		t.Errorf("remembered %q", got)
	}
	// The admin deletes the page: the owner is forgotten.
	if err := e.client.DeleteSchedule(t.Context(), "cat@example.com", listed[0].ScheduleID); err != nil {
		t.Fatal(err)
	}
	e.run(dropRows(two, "Help"))
	if got := strings.Join(store.saved, ","); got != "ann@example.com" {
		t.Errorf("remembered %q", got)
	}
}
