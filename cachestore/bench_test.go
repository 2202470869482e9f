package cachestore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mutablestore/mutablestore/memstore"
)

// BenchmarkHit reads one cached name, on one goroutine per P: run with
// -cpu 1,16 to see that hits take no global lock.
func BenchmarkHit(b *testing.B) {
	ctx := context.Background()
	s := newCache(b, memstore.New(), benchOptions)
	s.Write(ctx, "static/index.html", strings.Repeat("x", 1024))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Read(ctx, "static/index.html"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkHitMany spreads hits over 1024 names.
func BenchmarkHitMany(b *testing.B) {
	ctx := context.Background()
	s := newCache(b, memstore.New(), benchOptions)
	names := make([]string, 1024)
	for i := range names {
		names[i] = fmt.Sprintf("static/page-%d.html", i)
		s.Write(ctx, names[i], strings.Repeat("x", 512))
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.Read(ctx, names[i&1023]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkBareMemstore is the same read from memstore alone (an RWMutex
// and a map), for comparison.
func BenchmarkBareMemstore(b *testing.B) {
	ctx := context.Background()
	m := memstore.New()
	m.Write(ctx, "static/index.html", strings.Repeat("x", 1024))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Read(ctx, "static/index.html")
		}
	})
}
