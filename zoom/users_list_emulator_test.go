package zoom_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/zoomsync/zoomsync/zoom"
	"github.com/zoomsync/zoomsync/zoom/emulator"
)

// TestAllUsersAtTheEmulator follows next_page_token through the emulator's
// GET /v2/users with a small page size: every user once, one call per page.
func TestAllUsersAtTheEmulator(t *testing.T) {
	var users []string
	for i := range 7 {
		users = append(users, fmt.Sprintf("user%d@example.com", i))
	}
	c, emu := start(t, func(o *emulator.Options) { o.Users = users; o.PageSizeMax = 3 }, nil)
	var got []string
	for u, err := range c.AllUsers(context.Background(), zoom.UserStatusActive) {
		if err != nil {
			t.Fatal(err)
		}
		if u.Status != zoom.UserStatusActive || u.ID == "" {
			t.Errorf("user %+v", u)
		}
		got = append(got, u.Email)
	}
	want := append([]string{"admin@example.com"}, users...) // the admin is always a user
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("users %v, want %v", got, want)
	}
	// 8 users, 3 a page: 3 calls.
	if n := emu.Stats().Requests["GET /v2/users"]; n != 3 {
		t.Errorf("%d GET /v2/users calls, want 3", n)
	}
}
