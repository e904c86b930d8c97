package config

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/zoomsync/zoomsync/internal/suggest"
)

var (
	typeOfConfig   = reflect.TypeOf(Config{})
	typeOfDuration = reflect.TypeOf(time.Duration(0))
)

// UnknownKeyError reports a key zoomsync does not know.
type UnknownKeyError struct {
	Path    string
	Line    int
	Known   []string
	Suggest string
}

func (e *UnknownKeyError) Error() string {
	msg := fmt.Sprintf("line %d: unknown key %q", e.Line, e.Path)
	if e.Suggest != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", e.Suggest)
	}
	return msg + "; known keys here: " + strings.Join(e.Known, ", ")
}

// checkKeys walks a mapping node against a struct type and rejects keys that
// have no field. Maps accept any key; their values are checked by Validate.
func checkKeys(n *yaml.Node, t reflect.Type, prefix string, lines map[int]string) error {
	if n.Kind != yaml.MappingNode || t.Kind() != reflect.Struct || t == typeOfDuration {
		return nil
	}
	fields := map[string]reflect.Type{}
	var known []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		fields[name] = f.Type
		known = append(known, name)
	}
	sort.Strings(known)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		path := join(prefix, k.Value)
		lines[v.Line] = path
		if !ok {
			return &UnknownKeyError{Path: path, Line: k.Line, Known: known, Suggest: suggest.Closest(k.Value, known)}
		}
		if v.Kind == yaml.MappingNode && ft.Kind() == reflect.Struct {
			if err := checkKeys(v, ft, path, lines); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

var varRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandNode replaces ${VAR} in every scalar value. Expansion happens after
// parsing, so a value from the environment can never change the file's
// structure (a secret holding "#" or ": " stays one string). References to
// unset variables expand to "" and are remembered so that Validate can say
// which variable to set.
func expandNode(n *yaml.Node, path string, lookup LookupEnv, unset map[string]string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			expandNode(n.Content[i+1], join(path, n.Content[i].Value), lookup, unset)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			expandNode(c, fmt.Sprintf("%s[%d]", path, i), lookup, unset)
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		n.Value = varRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
			name := ref[2 : len(ref)-1]
			v, ok := lookup(name)
			if !ok {
				unset[path] = name
			}
			return v
		})
		// An expanded value is always a string to YAML; numbers and bools
		// still decode because the tag is re-resolved from the new text.
		n.Tag = ""
		n.Style = 0
	}
}
