package sync

import (
	"fmt"
	"strings"

	"github.com/zoomsync/zoomsync/sheet"
	"github.com/zoomsync/zoomsync/zoom"
)

// unstored lists, one text per column, the fields an update changed that
// the read-back shows Zoom did not store. It diffs the row against the
// stored page as the plan did, so that what counts as equal is the same as
// what a rerun would see; only the columns the update set are judged (a
// field someone else changed since is the next run's). Hosts are judged
// by judge itself.
func unstored(ch *Change, s *zoom.Schedule) []string {
	p := ch.page
	if ch.knownRefusal {
		p = withStoredHosts(p, ch.current)
	}
	_, left, _ := diff(p, s, ch.Match == "slug" || ch.page.SlugSet)
	planned := map[string]bool{}
	for _, f := range ch.Fields {
		planned[f.Column] = true
	}
	var out []string
	for _, f := range left {
		if !planned[f.Column] || f.Column == sheet.ColHosts {
			continue
		}
		out = append(out, fmt.Sprintf("column %q: Zoom holds %q, the row asks for %q", f.Column, f.Before, f.After))
	}
	return out
}

// judgeUpdate fails an update whose read-back lacks a field it set.
func judgeUpdate(it *verifyItem, s *zoom.Schedule) {
	if missing := unstored(it.ch, s); len(missing) > 0 {
		it.r.Status = StatusFailed
		it.r.Error = fmt.Sprintf("Zoom accepted the update of page %s but reading it back shows it did not store %s; the next run sends it again",
			it.id, strings.Join(missing, "; "))
		return
	}
	it.stored = s
}
