package zoom

import (
	"encoding/json"
	"sync"
)

// Listing 10,000 pages decodes the same weekly hours tens of thousands of
// times (every host of every page usually has identical hours), and each
// copy costs a slice per day and two strings per range. Decoding shares
// the day slices of identical values instead, which takes most of a large
// listing's memory away. Decoded schedules are read models: callers must
// not modify the TimeRange slices of a WeeklyHours they did not build.

const maxInterned = 4096 // distinct weekly hours kept; plenty for any roster

// internHours switches the sharing off, for the benchmark's comparison.
var internHours = true

var hoursCache = struct {
	sync.Mutex
	m map[string]WeeklyHours
}{m: map[string]WeeklyHours{}}

// weeklyHoursJSON has WeeklyHours' fields without its UnmarshalJSON.
type weeklyHoursJSON WeeklyHours

// UnmarshalJSON decodes segments_recurrence, sharing the day slices with an
// identical value decoded before.
func (w *WeeklyHours) UnmarshalJSON(data []byte) error {
	if !internHours {
		return json.Unmarshal(data, (*weeklyHoursJSON)(w))
	}
	hoursCache.Lock()
	cached, ok := hoursCache.m[string(data)] // no allocation for the lookup
	hoursCache.Unlock()
	if ok {
		*w = cached
		return nil
	}
	var v weeklyHoursJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*w = WeeklyHours(v)
	hoursCache.Lock()
	if len(hoursCache.m) >= maxInterned {
		clear(hoursCache.m) // a crude bound: start over rather than grow
	}
	hoursCache.m[string(data)] = *w
	hoursCache.Unlock()
	return nil
}
