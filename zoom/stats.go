package zoom

import (
	"net/http"
	"sync/atomic"
)

// Stats counts what a client did. Requests counts attempts actually sent
// (a retried call counts once per try).
type Stats struct {
	Gets, Posts, Patches, Deletes int64
	Retries                       int64 // tries after the first, any cause
	RateLimited                   int64 // 429 answers received
	RateLimitWaits                int64 // pauses taken for a per-second 429
	TokenFetches                  int64
}

// Requests is the number of API requests sent.
func (s Stats) Requests() int64 { return s.Gets + s.Posts + s.Patches + s.Deletes }

// Writes is the number of POST, PATCH and DELETE requests sent.
func (s Stats) Writes() int64 { return s.Posts + s.Patches + s.Deletes }

type counters struct {
	gets, posts, patches, deletes atomic.Int64
	retries, rateLimited          atomic.Int64
	rateLimitWaits                atomic.Int64
}

func (c *counters) count(method string) {
	switch method {
	case http.MethodGet:
		c.gets.Add(1)
	case http.MethodPost:
		c.posts.Add(1)
	case http.MethodPatch:
		c.patches.Add(1)
	case http.MethodDelete:
		c.deletes.Add(1)
	}
}

// Stats returns a snapshot of the client's counters.
func (c *Client) Stats() Stats {
	return Stats{
		Gets: c.stats.gets.Load(), Posts: c.stats.posts.Load(),
		Patches: c.stats.patches.Load(), Deletes: c.stats.deletes.Load(),
		Retries: c.stats.retries.Load(), RateLimited: c.stats.rateLimited.Load(),
		RateLimitWaits: c.stats.rateLimitWaits.Load(),
		TokenFetches:   c.tokens.fetchCount(),
	}
}
