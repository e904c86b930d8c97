package zoom

// SchedulePage is schedulePage, for the contract test (package zoom_test),
// which checks the client's page type against the published spec.
type SchedulePage = schedulePage
