package contract

import (
	"path/filepath"
	"runtime"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// SpecPath is the path of the checked-in document,
// zoom/testdata/zoom-scheduler-openapi.json, found from this package's
// source file so that tests of any package can load it. It needs the
// module's source, which `go test` always has.
func SpecPath() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("zoom", "testdata", "zoom-scheduler-openapi.json")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "zoom-scheduler-openapi.json")
}

// Default is the document at SpecPath, loaded and patched once per process
// and shared: checkers only read it.
var Default = sync.OnceValues(func() (*openapi3.T, error) { return Load(SpecPath()) })
