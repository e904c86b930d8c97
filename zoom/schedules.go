package zoom

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// MaxPageSize is the largest page Zoom returns for LIGHT list endpoints.
const MaxPageSize = 300

func userQuery(userID string) url.Values {
	q := url.Values{}
	if userID != "" {
		q.Set("user_id", userID)
	}
	return q
}

// listSchedulesPage fetches one page of a user's booking pages.
//
// Zoom API: GET /scheduler/schedules
func (c *Client) listSchedulesPage(ctx context.Context, userID, pageToken string, opts *ListOptions) (*schedulePage, error) {
	q := userQuery(userID)
	size := MaxPageSize
	if opts != nil && opts.PageSize > 0 && opts.PageSize < MaxPageSize {
		size = opts.PageSize
	}
	q.Set("page_size", strconv.Itoa(size))
	if pageToken != "" {
		q.Set("next_page_token", pageToken)
	}
	if opts != nil && opts.ShowDeleted {
		q.Set("show_deleted", "true")
	}
	var page schedulePage
	err := c.do(ctx, call{method: http.MethodGet, path: "scheduler/schedules", query: q, out: &page})
	if err != nil {
		return nil, err
	}
	return &page, nil
}

// AllSchedules yields every booking page of a user, following
// next_page_token until Zoom returns it empty. Iteration stops at the
// first error, which is yielded with a zero Schedule.
func (c *Client) AllSchedules(ctx context.Context, userID string, opts *ListOptions) iter.Seq2[Schedule, error] {
	return func(yield func(Schedule, error) bool) {
		token := ""
		seen := map[string]bool{}
		for {
			page, err := c.listSchedulesPage(ctx, userID, token, opts)
			if err != nil {
				yield(Schedule{}, err)
				return
			}
			for _, s := range page.Items {
				if !yield(s, nil) {
					return
				}
			}
			if page.NextPageToken == "" {
				return
			}
			if seen[page.NextPageToken] {
				yield(Schedule{}, fmt.Errorf("zoom: listing schedules of %s: Zoom returned the same next_page_token twice", userID))
				return
			}
			seen[page.NextPageToken] = true
			token = page.NextPageToken
		}
	}
}

// ListSchedules returns every booking page of a user (all pages of the
// listing).
//
// Zoom API: GET /scheduler/schedules
func (c *Client) ListSchedules(ctx context.Context, userID string, opts *ListOptions) ([]Schedule, error) {
	var out []Schedule
	for s, err := range c.AllSchedules(ctx, userID, opts) {
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// GetSchedule fetches one booking page by id (Zoom also accepts a slug).
//
// Zoom API: GET /scheduler/schedules/{scheduleId}
func (c *Client) GetSchedule(ctx context.Context, userID, scheduleID string) (*Schedule, error) {
	if scheduleID == "" {
		return nil, errors.New("zoom: GetSchedule: empty schedule id")
	}
	var s Schedule
	err := c.do(ctx, call{method: http.MethodGet, path: "scheduler/schedules/" + url.PathEscape(scheduleID), query: userQuery(userID), out: &s})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateSchedule creates a booking page owned by userID and returns what
// Zoom answered. Zoom may store less than was asked (it ignores multi-host
// fields it does not support), so callers verify by reading the page back.
// An *OutcomeUnknownError means the page may exist: look for it by slug
// before creating again.
//
// Zoom API: POST /scheduler/schedules (201)
func (c *Client) CreateSchedule(ctx context.Context, userID string, body *ScheduleCreate) (*Schedule, error) {
	var s Schedule
	err := c.do(ctx, call{method: http.MethodPost, path: "scheduler/schedules", query: userQuery(userID), body: body, out: &s})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// PatchSchedule changes the fields set in patch, and only those.
//
// Zoom API: PATCH /scheduler/schedules/{scheduleId} (204)
func (c *Client) PatchSchedule(ctx context.Context, userID, scheduleID string, patch *SchedulePatch) error {
	if scheduleID == "" {
		return errors.New("zoom: PatchSchedule: empty schedule id")
	}
	return c.do(ctx, call{method: http.MethodPatch, path: "scheduler/schedules/" + url.PathEscape(scheduleID), query: userQuery(userID), body: patch})
}

// DeleteSchedule deletes a booking page. A 404 (already gone) is returned as
// an error; callers that only want it gone can test zoom.IsNotFound.
//
// Zoom API: DELETE /scheduler/schedules/{scheduleId} (204)
func (c *Client) DeleteSchedule(ctx context.Context, userID, scheduleID string) error {
	if scheduleID == "" {
		return errors.New("zoom: DeleteSchedule: empty schedule id")
	}
	return c.do(ctx, call{method: http.MethodDelete, path: "scheduler/schedules/" + url.PathEscape(scheduleID), query: userQuery(userID)})
}
