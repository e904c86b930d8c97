package emulator

import (
	"net/http"
	"time"
)

// analyticsCounts is InlineResponse200LastNDays of Zoom's Scheduler spec
// (documented, docs/zoom-api.md#analytics).
type analyticsCounts struct {
	AllHostAvailable           int `json:"all_host_available"`
	AnyHostAvailable           int `json:"any_host_available"`
	OneToOne                   int `json:"one_to_one"`
	OneToMany                  int `json:"one_to_many"`
	OneOffMeeting              int `json:"one_off_meeting"`
	MeetingPoll                int `json:"meeting_poll"`
	SchedulesCreated           int `json:"schedules_created"`
	SchedulesCanceled          int `json:"schedules_canceled"`
	ScheduledEventsCreated     int `json:"scheduled_events_created"`
	ScheduledEventsCompleted   int `json:"scheduled_events_completed"`
	ScheduledEventsCanceled    int `json:"scheduled_events_canceled"`
	ScheduledEventsRescheduled int `json:"scheduled_events_rescheduled"`
}

// analyticsReport is InlineResponse200. The emulator books no events, so
// the lists are empty.
type analyticsReport struct {
	LastNDays                   analyticsCounts `json:"last_n_days"`
	PreviousPeriod              analyticsCounts `json:"previous_period"`
	PopularSchedules            []any           `json:"popular_schedules"`
	PopularTimeOfDay            []any           `json:"popular_time_of_day"`
	PopularTimeOfWeek           []any           `json:"popular_time_of_week"`
	EventDistributionByDuration []any           `json:"event_distribution_by_duration"`
	UsersWithLeastEvents        []any           `json:"users_with_least_events"`
	UsersWithMostEvents         []any           `json:"users_with_most_events"`
}

// analytics is GET /v2/scheduler/analytics?user_id=&from=&to= (documented,
// docs/zoom-api.md#analytics): a report whose counts of page types are the
// only witness that tells an All Hosts Available page from an Any Host
// Available one.
//
// What the counts mean is inferred: last_n_days counts the pages the owner
// holds now (not cancelled) by kind, whatever from and to say, plus
// schedules_created (every page, cancelled ones too) and
// schedules_canceled; previous_period is all zeros. user_id "all" counts
// every owner's pages (documented). from and to must be RFC 3339 times,
// from before to (documented); a bad one is a code-300 validation error
// (inferred). Options.AnalyticsStatus makes the report unreadable.
func (e *Emulator) analytics(w http.ResponseWriter, r *http.Request, _ string) {
	if st := e.knobs.get().analyticsStatus; st != 0 {
		writeAnalyticsUnavailable(w, st)
		return
	}
	q := r.URL.Query()
	v := &validator{}
	var from, to time.Time
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		s := q.Get(p.name)
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			v.add(p.name, "%s must be an RFC 3339 time with a zone offset, such as 2024-01-01T00:00:00Z.", p.name)
			continue
		}
		*p.dst = t
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		v.add("to", "to must be later than from.")
	}
	if v.errs != nil {
		writeValidation(w, v.errs)
		return
	}
	var recs []*record
	if q.Get("user_id") == "all" {
		e.mu.Lock()
		recs = e.all
	} else {
		u, ok := e.actingUser(w, r)
		if !ok {
			return
		}
		e.mu.Lock()
		if oi := e.owners[u.email]; oi != nil {
			recs = oi.pages
		}
	}
	var c analyticsCounts
	for _, rec := range recs {
		c.SchedulesCreated++
		if rec.cancelled() {
			c.SchedulesCanceled++
			continue
		}
		switch rec.page.Kind {
		case KindAllHosts:
			c.AllHostAvailable++
		case KindAnyHost:
			c.AnyHostAvailable++
		default:
			c.OneToOne++
		}
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, analyticsReport{
		LastNDays: c, PopularSchedules: []any{}, PopularTimeOfDay: []any{}, PopularTimeOfWeek: []any{},
		EventDistributionByDuration: []any{}, UsersWithLeastEvents: []any{}, UsersWithMostEvents: []any{},
	})
}

// writeAnalyticsUnavailable answers a report that cannot be read. A 403
// looks like a token without the analytics scope, code 4711 (documented,
// docs/zoom-api.md#auth).
func writeAnalyticsUnavailable(w http.ResponseWriter, status int) {
	switch status {
	case http.StatusForbidden, http.StatusUnauthorized, http.StatusBadRequest:
		writeCode(w, status, 4711, "Invalid access token, does not contain scopes:[scheduler:read:analytics:admin].")
	case http.StatusNotFound:
		writeCode(w, status, status, "Not Found.")
	default:
		writeInjected(w, status, "")
	}
}
