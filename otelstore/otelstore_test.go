package otelstore_test

import (
	"context"
	"errors"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/mutablestore/mutablestore/conformance"
	"github.com/mutablestore/mutablestore/memstore"
	"github.com/mutablestore/mutablestore/otelstore"
	"github.com/mutablestore/mutablestore/store"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, func(tb testing.TB) store.MutableStore {
		s, err := otelstore.New(memstore.New(), otelstore.Options{Kind: "mem"})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	})
}

func TestConformanceWithSDK(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tracetest.NewSpanRecorder()))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	conformance.Run(t, func(tb testing.TB) store.MutableStore {
		s, err := otelstore.New(memstore.New(), otelstore.Options{Kind: "mem", TracerProvider: tp, MeterProvider: mp})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	})
}

type failing struct{ store.MutableStore }

func (failing) Write(ctx context.Context, name, content string) error {
	return store.NewError(ctx, store.OpWrite, name, errors.New("disk full"))
}

func TestTelemetry(t *testing.T) {
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	m := memstore.New()
	s, err := otelstore.New(failing{m}, otelstore.Options{Kind: "mem", TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m.Write(ctx, "static/a", "x")
	s.Read(ctx, "static/a")      // ok
	s.Read(ctx, "static/b")      // not_found
	s.Write(ctx, "static/c", "") // error
	s.Delete(ctx, "static/a")    // not a Deleter through failing: error

	spans := sr.Ended()
	if len(spans) != 4 {
		t.Fatalf("%d spans; want 4", len(spans))
	}
	type want struct {
		name, op, outcome, storeName string
		status                       codes.Code
	}
	wants := []want{
		{"mutablestore.read", "read", "ok", "static/a", codes.Unset},
		{"mutablestore.read", "read", "not_found", "static/b", codes.Unset},
		{"mutablestore.write", "write", "error", "static/c", codes.Error},
		{"mutablestore.delete", "delete", "error", "static/a", codes.Error},
	}
	for i, sp := range spans {
		w := wants[i]
		attrs := attribute.NewSet(sp.Attributes()...)
		get := func(k attribute.Key) string { v, _ := attrs.Value(k); return v.AsString() }
		if sp.Name() != w.name || get(otelstore.OperationKey) != w.op || get(otelstore.OutcomeKey) != w.outcome ||
			get(otelstore.NameKey) != w.storeName || get(otelstore.KindKey) != "mem" || sp.Status().Code != w.status {
			t.Errorf("span %d: %s %v status %v; want %+v", i, sp.Name(), sp.Attributes(), sp.Status(), w)
		}
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int64{}
	histCount := map[string]uint64{}
	for _, sm := range rm.ScopeMetrics {
		for _, md := range sm.Metrics {
			switch data := md.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range data.DataPoints {
					if _, ok := dp.Attributes.Value(otelstore.NameKey); ok {
						t.Errorf("counter has the store name as an attribute: %v", dp.Attributes)
					}
					op, _ := dp.Attributes.Value(otelstore.OperationKey)
					oc, _ := dp.Attributes.Value(otelstore.OutcomeKey)
					counts[op.AsString()+"/"+oc.AsString()] += dp.Value
				}
			case metricdata.Histogram[float64]:
				if md.Unit != "s" {
					t.Errorf("histogram unit %q; want s", md.Unit)
				}
				for _, dp := range data.DataPoints {
					if _, ok := dp.Attributes.Value(otelstore.NameKey); ok {
						t.Errorf("histogram has the store name as an attribute: %v", dp.Attributes)
					}
					op, _ := dp.Attributes.Value(otelstore.OperationKey)
					oc, _ := dp.Attributes.Value(otelstore.OutcomeKey)
					histCount[op.AsString()+"/"+oc.AsString()] += dp.Count
				}
			}
		}
	}
	for _, k := range []string{"read/ok", "read/not_found", "write/error", "delete/error"} {
		if counts[k] != 1 || histCount[k] != 1 {
			t.Errorf("%s: counter %d, histogram count %d; want 1, 1 (all: %v %v)", k, counts[k], histCount[k], counts, histCount)
		}
	}
}

// TestZeroAllocsWithoutProvider: with the global providers left at their
// no-op defaults, or a no-op provider given, the wrapper adds no
// allocation to memstore's (which has none for these operations).
func TestZeroAllocsWithoutProvider(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		opts otelstore.Options
	}{
		{"global", otelstore.Options{Kind: "mem"}},
		{"noop", otelstore.Options{Kind: "mem", TracerProvider: tracenoop.NewTracerProvider()}},
	} {
		m := memstore.New()
		m.Write(ctx, "a", "x")
		s, err := otelstore.New(m, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		bare := testing.AllocsPerRun(1000, func() { m.Read(ctx, "a"); m.Write(ctx, "a", "x") })
		wrapped := testing.AllocsPerRun(1000, func() { s.Read(ctx, "a"); s.Write(ctx, "a", "x") })
		if wrapped != bare {
			t.Errorf("%s: %v allocations per Read+Write through otelstore, %v bare; want the same", tc.name, wrapped, bare)
		}
		t.Logf("%s: allocations per Read+Write: bare %v, wrapped %v", tc.name, bare, wrapped)
	}
}

func BenchmarkOverhead(b *testing.B) {
	ctx := context.Background()
	m := memstore.New()
	m.Write(ctx, "a", "x")
	b.Run("memstore", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.Read(ctx, "a")
		}
	})
	b.Run("otelstore-noop", func(b *testing.B) {
		s, _ := otelstore.New(m, otelstore.Options{Kind: "mem"})
		b.ReportAllocs()
		for b.Loop() {
			s.Read(ctx, "a")
		}
	})
	b.Run("otelstore-sdk", func(b *testing.B) {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tracetest.NewSpanRecorder()), sdktrace.WithSampler(sdktrace.NeverSample()))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		s, _ := otelstore.New(m, otelstore.Options{Kind: "mem", TracerProvider: tp, MeterProvider: mp})
		b.ReportAllocs()
		for b.Loop() {
			s.Read(ctx, "a")
		}
	})
}

// TestFollowsGlobalProviders: a Store made before the global providers
// are set traces and measures once they are. It runs last and leaves no-op
// globals behind, so that -count=N still finds no-op globals.
func TestFollowsGlobalProviders(t *testing.T) {
	if _, ok := otel.GetTracerProvider().(tracenoop.TracerProvider); ok {
		t.Skip("an earlier run (-count>1) set the global providers; like OpenTelemetry's own global, only the first Set is followed")
	}
	ctx := context.Background()
	s, err := otelstore.New(memstore.New(), otelstore.Options{Kind: "mem"})
	if err != nil {
		t.Fatal(err)
	}
	sr := tracetest.NewSpanRecorder()
	reader := sdkmetric.NewManualReader()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr)))
	otel.SetMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)))
	defer func() {
		otel.SetTracerProvider(tracenoop.NewTracerProvider())
		otel.SetMeterProvider(metricnoop.NewMeterProvider())
	}()
	s.Read(ctx, "missing")
	if n := len(sr.Ended()); n != 1 {
		t.Errorf("%d spans after the global provider was set; want 1", n)
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	if len(rm.ScopeMetrics) == 0 || len(rm.ScopeMetrics[0].Metrics) != 2 {
		t.Errorf("metrics after the global provider was set: %+v; want the histogram and the counter", rm.ScopeMetrics)
	}
}
