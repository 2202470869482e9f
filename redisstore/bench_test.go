package redisstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/redisstore"
	"github.com/mutablestore/mutablestore/store"
)

// The benchmarks put the store next to the go-redis call it makes, on the
// same client, server and key, in the same run, at each of
// conformance.Concurrencies, so that benchstat shows what the store adds:
// name validation, the key concatenation and the error wrapping. Run them
// with
//
//	go test -run '^$' -bench '^Benchmark(Read|Write)$' -count 10 ./redisstore | tee /tmp/redis-bench.txt
//	benchstat -col /impl /tmp/redis-bench.txt

const benchName = "static/en-US/post/some-article.html"

var benchContent = strings.Repeat("x", 4<<10) // 4 KiB, a small rendered page

func benchStore(b *testing.B) (*redisstore.Store, *redis.Client, string) {
	b.Helper()
	c := newClient(b, nil)
	s, prefix := newStore(b, c, redisstore.Options{})
	if err := s.Write(b.Context(), benchName, benchContent); err != nil {
		b.Fatalf("Write: %v", err)
	}
	return s, c, prefix + benchName
}

// checkRead is the Read benchmarks' check of what they read.
func checkRead(got string, err error) error {
	if err != nil {
		return err
	}
	if len(got) != len(benchContent) {
		return fmt.Errorf("read %d bytes; want %d", len(got), len(benchContent))
	}
	return nil
}

func BenchmarkRead(b *testing.B) {
	s, c, key := benchStore(b)
	conformance.BenchmarkOps(b,
		conformance.Op{Impl: "raw-go-redis", Do: func(ctx context.Context) error {
			return checkRead(c.Get(ctx, key).Result())
		}},
		conformance.Op{Impl: "redisstore", Do: func(ctx context.Context) error {
			return checkRead(s.Read(ctx, benchName))
		}},
	)
}

func BenchmarkWrite(b *testing.B) {
	s, c, key := benchStore(b)
	conformance.BenchmarkOps(b,
		conformance.Op{Impl: "raw-go-redis", Do: func(ctx context.Context) error {
			return c.Set(ctx, key, benchContent, 0).Err()
		}},
		conformance.Op{Impl: "redisstore", Do: func(ctx context.Context) error {
			return s.Write(ctx, benchName, benchContent)
		}},
	)
}

// BenchmarkConformance runs the shared store benchmarks, on both
// deployments.
func BenchmarkConformance(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			c := be.client(b)
			conformance.Benchmark(b, func(tb testing.TB) store.MutableStore {
				s, _ := newStore(tb, c, redisstore.Options{})
				return s
			})
		})
	}
}

// answerHook answers GET and SET in the client itself, without a server.
// It is for BenchmarkNoIO only: every test runs against a real server.
type answerHook struct{ content string }

func (h answerHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h answerHook) ProcessHook(redis.ProcessHook) redis.ProcessHook {
	return func(_ context.Context, cmd redis.Cmder) error {
		switch cmd := cmd.(type) {
		case *redis.StringCmd:
			cmd.SetVal(h.content)
		case *redis.StatusCmd:
			cmd.SetVal("OK")
		}
		return nil
	}
}

func (h answerHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// BenchmarkNoIO isolates what the store adds to a go-redis call, which a
// loopback round trip of tens of microseconds, on a busy machine, hides in
// its noise: the same client code runs, but a hook answers in place of the
// server, so the difference between the two rows is the store's own cost.
func BenchmarkNoIO(b *testing.B) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled
	b.Cleanup(func() { c.Close() })
	c.AddHook(answerHook{content: benchContent})
	s := mustNew(b, c, redisstore.Options{Prefix: "redisstore-bench:"})
	key := "redisstore-bench:" + benchName
	for _, bm := range []struct {
		name string
		op   func(context.Context) error
	}{
		{"op=Read/impl=redisstore", func(ctx context.Context) error { _, err := s.Read(ctx, benchName); return err }},
		{"op=Read/impl=raw-go-redis", func(ctx context.Context) error { return c.Get(ctx, key).Err() }},
		{"op=Write/impl=redisstore", func(ctx context.Context) error { return s.Write(ctx, benchName, benchContent) }},
		{"op=Write/impl=raw-go-redis", func(ctx context.Context) error { return c.Set(ctx, key, benchContent, 0).Err() }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			ctx := b.Context()
			b.ReportAllocs()
			for b.Loop() {
				if err := bm.op(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
