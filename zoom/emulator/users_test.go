package emulator

import (
	"fmt"
	"strings"
	"testing"
)

type usersPage struct {
	PageSize      int    `json:"page_size"`
	TotalRecords  int    `json:"total_records"`
	NextPageToken string `json:"next_page_token"`
	Users         []struct {
		ID        string `json:"id"`
		Email     string `json:"email"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Status    string `json:"status"`
	} `json:"users"`
}

func TestListUsers(t *testing.T) {
	e := setup(t, func(o *Options) { o.Users = []string{"Mary.Jones@example.com", "ann@example.com"} })
	// Restricted accounts list exactly their users.
	r := e.do("GET", "/v2/users?status=active", "")
	if r.status != 200 {
		t.Fatalf("users: %d %s", r.status, r.body)
	}
	u := newUser("mary.jones@example.com")
	wantJSON(t, r.body, `{"page_size":30,"total_records":3,"next_page_token":"","users":[
		{"id":"`+newUser("admin@example.com").id+`","email":"admin@example.com","first_name":"Admin","last_name":"","status":"active"},
		{"id":"`+u.id+`","email":"mary.jones@example.com","first_name":"Mary","last_name":"Jones","status":"active"},
		{"id":"`+newUser("ann@example.com").id+`","email":"ann@example.com","first_name":"Ann","last_name":"","status":"active"}]}`)
	if r.header.Get("X-RateLimit-Category") != "Medium" {
		t.Errorf("category %q", r.header.Get("X-RateLimit-Category"))
	}
	// The id resolves as a user_id elsewhere.
	if r := e.do("GET", "/v2/scheduler/schedules?user_id="+u.id, ""); r.status != 200 {
		t.Errorf("list by user id: %d", r.status)
	}
	var p usersPage
	e.do("GET", "/v2/users?status=inactive", "").decode(&p)
	if len(p.Users) != 0 || p.TotalRecords != 0 {
		t.Errorf("inactive: %+v", p)
	}
	wantFields(t, e.do("GET", "/v2/users?status=gone", ""), "status")
	wantFields(t, e.do("GET", "/v2/users?page_size=x", ""), "page_size")
}

func TestListUsersSeenAndPaginated(t *testing.T) {
	e := setup(t, func(o *Options) { o.PageSizeMax = 300 })
	// Hosts and owners the emulator has seen become users.
	e.create("owner@example.com", multiHostBody)
	for i := range 400 {
		e.emu.mu.Lock()
		e.emu.addUser(fmt.Sprintf("u%03d@example.com", i))
		e.emu.mu.Unlock()
	}
	var seen []string
	token := ""
	var sizes []int
	for {
		var p usersPage
		r := e.do("GET", "/v2/users?status=active&page_size=1000&next_page_token="+token, "")
		if r.status != 200 {
			t.Fatalf("page: %d %s", r.status, r.body)
		}
		r.decode(&p)
		if p.PageSize != 300 || p.TotalRecords != 403 {
			t.Errorf("page_size %d total %d", p.PageSize, p.TotalRecords)
		}
		sizes = append(sizes, len(p.Users))
		for _, u := range p.Users {
			seen = append(seen, u.Email)
		}
		if token = p.NextPageToken; token == "" {
			break
		}
	}
	if len(sizes) != 2 || sizes[0] != 300 || sizes[1] != 103 {
		t.Errorf("page sizes %v, want [300 103]", sizes)
	}
	if strings.Join(seen[:3], " ") != "admin@example.com owner@example.com bob@example.com" {
		t.Errorf("first users %v", seen[:3])
	}
	if r := e.do("GET", "/v2/users?next_page_token=bogus", ""); r.status != 400 {
		t.Errorf("bad token: %d", r.status)
	}
}
