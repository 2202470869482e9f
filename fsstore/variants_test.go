package fsstore_test

import (
	"testing"

	"github.com/mutablestore/mutablestore/fsstore"
)

// variant is one configuration of a store under test: a backend and
// whether it fsyncs.
type variant struct {
	name   string
	osRoot bool // the portable os.Root backend, even where openat2 works
	noSync bool
}

// variants are the configurations every behaviour is tested in: the
// default (openat2 where the kernel has it, fsync on), without fsync, and
// os.Root, without fsync (its fsyncs are the subject of syncVariants).
var variants = []variant{
	{name: "durable"},
	{name: "nosync", noSync: true},
	{name: "osroot", osRoot: true, noSync: true},
}

// syncVariants are the two backends with fsync on, for the tests of the
// fsyncs themselves.
var syncVariants = []variant{
	{name: "openat2"},
	{name: "osroot", osRoot: true},
}

// forEachVariant runs f as a subtest (or sub-benchmark) of t in each of vs.
func forEachVariant[T interface{ Run(string, func(T)) bool }](t T, vs []variant, f func(T, variant)) {
	for _, v := range vs {
		t.Run(v.name, func(t T) { f(t, v) })
	}
}

// options returns the options of v followed by extra.
func (v variant) options(extra ...fsstore.Option) []fsstore.Option {
	var opts []fsstore.Option
	if v.osRoot {
		opts = append(opts, fsstore.WithOSRoot())
	}
	if v.noSync {
		opts = append(opts, fsstore.WithoutSync())
	}
	return append(opts, extra...)
}

// open is fsstore.Open of dir in variant v, with extra options after v's.
func (v variant) open(dir string, extra ...fsstore.Option) (*fsstore.Store, error) {
	return fsstore.Open(dir, v.options(extra...)...)
}

// newStore is newStore in variant v, with extra options after v's.
func (v variant) newStore(tb testing.TB, extra ...fsstore.Option) *fsstore.Store {
	tb.Helper()
	return newStore(tb, v.options(extra...)...)
}
