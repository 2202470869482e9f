package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mutablestore/mutablestore/fsstore"
	"github.com/mutablestore/mutablestore/store"
)

// command is one parsed invocation: what to do, to which name.
type command struct {
	verb      string // "get", "put", "rm" or "clean-temp"
	name      string
	content   io.Reader     // put only: CONTENT, or standard input
	olderThan time.Duration // clean-temp only
	bench     *benchConfig  // bench only; see bench.go
}

// verbs lists each command with how many arguments it takes.
var verbs = map[string]struct {
	min, max int
	takes    string
}{
	"get": {1, 1, "one NAME"},
	"put": {1, 2, "a NAME and an optional CONTENT"},
	"rm":  {1, 1, "one NAME"},
	// clean-temp takes only flags, parsed in parseCommand.
	"clean-temp": {0, 0, "no arguments besides -older-than"},
	"bench":      {0, 0, "flags only"}, // parsed by parseBench
}

// parseCommand checks the arguments before any store is opened, so a typo
// never costs a connection.
func parseCommand(args []string, stdin io.Reader) (command, error) {
	if len(args) == 0 {
		return command{}, fmt.Errorf("missing command")
	}
	verb, rest := args[0], args[1:]
	v, ok := verbs[verb]
	if !ok {
		return command{}, fmt.Errorf("unknown command %q", verb)
	}
	cmd := command{verb: verb}
	if verb == "bench" {
		b, err := parseBench(rest)
		cmd.bench = b
		return cmd, err
	}
	if verb == "clean-temp" {
		f := flag.NewFlagSet("clean-temp", flag.ContinueOnError)
		f.SetOutput(io.Discard) // the caller prints the error and the usage
		f.DurationVar(&cmd.olderThan, "older-than", time.Hour, "")
		if err := f.Parse(rest); err != nil {
			return command{}, fmt.Errorf("clean-temp: %v", err)
		}
		if cmd.olderThan < 0 {
			return command{}, fmt.Errorf("clean-temp: -older-than must not be negative")
		}
		rest = f.Args()
	}
	if len(rest) < v.min || len(rest) > v.max {
		return command{}, fmt.Errorf("%s takes %s, got %d arguments", verb, v.takes, len(rest))
	}
	if verb == "clean-temp" {
		return cmd, nil
	}
	cmd.name, cmd.content = rest[0], stdin
	if len(rest) == 2 {
		cmd.content = strings.NewReader(rest[1])
	}
	return cmd, nil
}

func (c command) run(ctx context.Context, s store.MutableStore, stdout io.Writer) error {
	switch c.verb {
	case "get":
		content, err := s.Read(ctx, c.name)
		if err != nil {
			return err
		}
		_, err = io.WriteString(stdout, content)
		return err
	case "put":
		// Read all of the content before writing: a store write is atomic, and
		// a partial standard input must not become a partial artifact.
		content, err := io.ReadAll(c.content)
		if err != nil {
			return fmt.Errorf("read content for %q: %w", c.name, err)
		}
		return s.Write(ctx, c.name, string(content))
	case "rm":
		d, ok := s.(store.Deleter)
		if !ok {
			return fmt.Errorf("delete %q: this store cannot delete names", c.name)
		}
		return d.Delete(ctx, c.name)
	case "clean-temp":
		fs, ok := s.(*fsstore.Store)
		if !ok {
			return fmt.Errorf("clean-temp works only on file: stores")
		}
		n, err := fsstore.RemoveStaleTemp(fs.Dir(), c.olderThan)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "removed %d temp files older than %v\n", n, c.olderThan)
		return err
	}
	panic("unreachable: parseCommand accepted verb " + c.verb)
}
