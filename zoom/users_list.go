package zoom

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// AccountUser is a user of the Zoom account as GET /users lists it (Users
// API, not Scheduler).
type AccountUser struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Status    string `json:"status"`
}

// UserStatusActive is the status zoomsync lists users by (GET /users?status=).
const UserStatusActive = "active"

// accountUserPage is one page of GET /users.
type accountUserPage struct {
	PageSize      int           `json:"page_size"`
	TotalRecords  int           `json:"total_records"`
	NextPageToken string        `json:"next_page_token"`
	Users         []AccountUser `json:"users"`
}

// listUsersPage fetches one page of the account's users with the given
// status ("" lets Zoom apply its default, active).
//
// Zoom API: GET /users (scope user:read:admin)
func (c *Client) listUsersPage(ctx context.Context, status, pageToken string) (*accountUserPage, error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	q.Set("page_size", strconv.Itoa(MaxPageSize))
	if pageToken != "" {
		q.Set("next_page_token", pageToken)
	}
	var page accountUserPage
	if err := c.do(ctx, call{method: http.MethodGet, path: "users", query: q, out: &page}); err != nil {
		return nil, err
	}
	return &page, nil
}

// AllUsers yields every user of the account with the given status,
// following next_page_token until Zoom returns it empty. Iteration stops at
// the first error, which is yielded with a zero AccountUser.
//
// Zoom API: GET /users (scope user:read:admin)
func (c *Client) AllUsers(ctx context.Context, status string) iter.Seq2[AccountUser, error] {
	return func(yield func(AccountUser, error) bool) {
		token := ""
		seen := map[string]bool{}
		for {
			page, err := c.listUsersPage(ctx, status, token)
			if err != nil {
				yield(AccountUser{}, err)
				return
			}
			for _, u := range page.Users {
				if !yield(u, nil) {
					return
				}
			}
			if page.NextPageToken == "" {
				return
			}
			if seen[page.NextPageToken] {
				yield(AccountUser{}, fmt.Errorf("zoom: listing users: Zoom returned the same next_page_token twice"))
				return
			}
			seen[page.NextPageToken] = true
			token = page.NextPageToken
		}
	}
}
