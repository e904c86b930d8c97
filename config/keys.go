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
	typeOfConfig    = reflect.TypeOf(Config{})
	typeOfDuration  = reflect.TypeOf(time.Duration(0))
	typeOfRateLimit = reflect.TypeOf(RateLimit{})
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

// checker walks the parsed file against the Config type before decoding:
// every key with no field is collected as an *UnknownKeyError, and every
// value of the wrong kind as a FieldError naming its key path, the kind
// expected and the kind found, so that the YAML decoder never gets to say
// "cannot unmarshal !!seq into config.Secret".
type checker struct {
	expanded map[*yaml.Node]string // value node → the ${VAR} it was expanded from
	seen     map[anchorUse]bool    // anchors already checked, by the type they were checked as
	errs     []FieldError
	unknown  []*UnknownKeyError
}

type anchorUse struct {
	n *yaml.Node
	t reflect.Type
}

func (c *checker) node(n *yaml.Node, t reflect.Type, path string, line int) error {
	if n.Kind == yaml.AliasNode {
		// Check what an anchor holds once: following every alias would let
		// a small file of nested aliases cost exponential time.
		k := anchorUse{n.Alias, t}
		if c.seen[k] {
			return nil
		}
		if c.seen == nil {
			c.seen = map[anchorUse]bool{}
		}
		c.seen[k] = true
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == nullTag {
		return nil // "key:" with nothing keeps the default
	}
	switch {
	case t == typeOfRateLimit:
		if n.Kind == yaml.ScalarNode && (n.Value == rateLimitAuto || isNumber(n)) {
			return nil
		}
		c.wrongKind(n, path, line, "auto or a number of requests per second")
	case t == typeOfDuration:
		if n.Kind == yaml.ScalarNode && (n.Value == "0" || n.ShortTag() == strTag && isDuration(n.Value)) {
			return nil
		}
		c.wrongKind(n, path, line, "a duration such as 30s, 5m or 168h")
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.wrongKind(n, path, line, "a mapping of keys")
			return nil
		}
		return c.mapping(n, t, path)
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.wrongKind(n, path, line, "a mapping of keys to values")
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := c.node(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), n.Content[i].Line); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.String:
		if n.Kind != yaml.ScalarNode {
			c.wrongKind(n, path, line, "a string")
		}
	case t.Kind() == reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != boolTag {
			c.wrongKind(n, path, line, "true or false")
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != intTag {
			c.wrongKind(n, path, line, "a whole number")
		}
	case t.Kind() == reflect.Float64:
		if !isNumber(n) {
			c.wrongKind(n, path, line, "a number")
		}
	}
	return nil
}

// mapping checks each key of n against the fields of struct type t.
func (c *checker) mapping(n *yaml.Node, t reflect.Type, prefix string) error {
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
		path := join(prefix, k.Value)
		ft, ok := fields[k.Value]
		if !ok {
			// Recorded, and the walk goes on: every problem is reported at once.
			c.unknown = append(c.unknown, &UnknownKeyError{Path: path, Line: k.Line, Known: known, Suggest: suggest.Closest(k.Value, known)})
			continue
		}
		if err := c.node(v, ft, path, k.Line); err != nil {
			return err
		}
	}
	return nil
}

// wrongKind records that the value at path (its key on line) is not what
// the key takes. A value that came from the environment is not echoed: it
// may be a secret.
func (c *checker) wrongKind(n *yaml.Node, path string, line int, want string) {
	msg := fmt.Sprintf("expected %s, got %s (line %d)", want, describeNode(n), line)
	if name, ok := c.expanded[n]; ok {
		msg = fmt.Sprintf("expected %s, got the value of ${%s} (line %d)", want, name, line)
	}
	c.errs = append(c.errs, FieldError{Path: path, Message: msg})
}

const (
	nullTag  = "!!null"
	strTag   = "!!str"
	intTag   = "!!int"
	floatTag = "!!float"
	boolTag  = "!!bool"
)

// describeNode names the kind of a value for a message.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case intTag, floatTag:
		return "the number " + n.Value
	case boolTag:
		return n.Value
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	return fmt.Sprintf("%q", v)
}

func isNumber(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.ShortTag() == intTag || n.ShortTag() == floatTag)
}

func isDuration(s string) bool {
	_, err := time.ParseDuration(s)
	return err == nil
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
// It returns the nodes it changed, each with the variable it used.
func expandNode(n *yaml.Node, path string, lookup LookupEnv, unset map[string]string) map[*yaml.Node]string {
	expanded := map[*yaml.Node]string{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], join(path, n.Content[i].Value))
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
		case yaml.ScalarNode:
			expandScalar(n, path, lookup, unset, expanded)
		}
	}
	walk(n, path)
	return expanded
}

func expandScalar(n *yaml.Node, path string, lookup LookupEnv, unset map[string]string, expanded map[*yaml.Node]string) {
	if !strings.Contains(n.Value, "${") {
		return
	}
	n.Value = varRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
		name := ref[2 : len(ref)-1]
		expanded[n] = name
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
