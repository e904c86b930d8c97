package zoom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// ListAvailability returns every saved availability schedule of a user.
//
// Zoom API: GET /scheduler/availability
func (c *Client) ListAvailability(ctx context.Context, userID string) ([]Availability, error) {
	var out []Availability
	token := ""
	seen := map[string]bool{}
	for {
		q := userQuery(userID)
		q.Set("page_size", strconv.Itoa(MaxPageSize))
		if token != "" {
			q.Set("next_page_token", token)
		}
		var page AvailabilityPage
		if err := c.do(ctx, call{method: http.MethodGet, path: "scheduler/availability", query: q, out: &page}); err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextPageToken == "" {
			return out, nil
		}
		if seen[page.NextPageToken] {
			return nil, fmt.Errorf("zoom: listing availability of %s: Zoom returned the same next_page_token twice", userID)
		}
		seen[page.NextPageToken] = true
		token = page.NextPageToken
	}
}

// GetUser returns a user's Scheduler profile; userID may be an id or an
// email. Zoom answers 403 "User Not Found" for a user without Scheduler.
//
// Zoom API: GET /scheduler/users/{userId}
func (c *Client) GetUser(ctx context.Context, userID string) (*User, error) {
	if userID == "" {
		return nil, errors.New("zoom: GetUser: empty user id")
	}
	var u User
	if err := c.do(ctx, call{method: http.MethodGet, path: "scheduler/users/" + url.PathEscape(userID), out: &u}); err != nil {
		return nil, err
	}
	return &u, nil
}
