package sync

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/zoomsync/zoomsync/internal/atomicfile"
)

// readState decodes the JSON state file at path into v. A missing file
// leaves v as it is and is no error; what names the file's content in
// errors ("the create verdict").
func readState(path, what string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", what, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("reading %s %s: %w", what, path, err)
	}
	return nil
}

// writeState replaces the state file at path with v as indented JSON,
// atomically, readable by its owner only.
func writeState(path, what string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, append(data, '\n'), 0o600, 0o700); err != nil {
		return fmt.Errorf("saving %s: %w", what, err)
	}
	return nil
}
