package zoom

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// Analytics is Zoom Scheduler's analytics report for one user. Its counts
// of pages by type are the only place the API tells an All Hosts Available
// page from an Any Host Available (round robin) one: a page of either type
// reads back the same from GET /scheduler/schedules (inferred).
type Analytics struct {
	LastNDays      AnalyticsCounts `json:"last_n_days"`
	PreviousPeriod AnalyticsCounts `json:"previous_period"`
}

// AnalyticsCounts are a user's booking pages by type.
type AnalyticsCounts struct {
	AllHostAvailable int `json:"all_host_available"`
	AnyHostAvailable int `json:"any_host_available"`
	OneToOne         int `json:"one_to_one"`
}

// GetAnalytics reads the analytics report of userID for the period from–to
// (sent as RFC 3339). It needs the scope scheduler:read:analytics:admin.
//
// Zoom API: GET /scheduler/analytics
func (c *Client) GetAnalytics(ctx context.Context, userID string, from, to time.Time) (*Analytics, error) {
	q := userQuery(userID)
	if !from.IsZero() {
		q.Set("from", from.UTC().Format(time.RFC3339))
	}
	if !to.IsZero() {
		q.Set("to", to.UTC().Format(time.RFC3339))
	}
	var a Analytics
	if err := c.do(ctx, call{method: http.MethodGet, path: "scheduler/analytics", query: url.Values(q), out: &a}); err != nil {
		return nil, err
	}
	return &a, nil
}
