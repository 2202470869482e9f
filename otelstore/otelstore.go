// Package otelstore instruments any store.MutableStore with OpenTelemetry:
// a span per operation, and a duration histogram and a counter of
// operations by outcome.
//
//	s, err := otelstore.New(backend, otelstore.Options{Kind: "redis"})
//
// # Telemetry
//
// Each Read, Write and Delete starts a client span named "mutablestore.read",
// "mutablestore.write" or "mutablestore.delete" with the attributes
// store.kind (Options.Kind) and store.operation, and store.name, the name
// the operation was given. A failure sets the span's status to Error and
// records the error; a missing name is not a failure of the store: the
// span keeps status Unset and gets store.outcome=not_found.
//
// Two instruments, with the attributes store.kind, store.operation and
// store.outcome (ok, not_found, error), record every operation:
//
//	mutablestore.operation.duration  histogram, seconds
//	mutablestore.operations          counter
//
// The store name is never a metric attribute: names are unbounded and
// would explode the number of time series.
//
// # Cost
//
// With no provider configured (the global ones, still OpenTelemetry's
// no-op defaults) or with a no-op provider, an operation costs no
// allocation beyond the wrapped store's and no clock read: spans are not
// started and nothing is measured until a global provider is set, which
// the wrapper follows from then on, as every tracer taken from the global
// does. With real providers, the attribute sets of the instruments are
// computed once, in New. TestZeroAllocsWithoutProvider and
// BenchmarkOverhead prove it.
package otelstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/mutablestore/mutablestore/internal/lifetime"
	"github.com/mutablestore/mutablestore/store"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/mutablestore/mutablestore/otelstore"

// Attribute keys.
const (
	KindKey      = attribute.Key("store.kind")
	OperationKey = attribute.Key("store.operation")
	OutcomeKey   = attribute.Key("store.outcome")
	NameKey      = attribute.Key("store.name")
)

// Outcomes of an operation.
const (
	OutcomeOK       = "ok"
	OutcomeNotFound = "not_found"
	OutcomeError    = "error"
)

// Options configure a Store.
type Options struct {
	// TracerProvider makes the spans; nil means the global one, which a
	// Store follows once it is set (see "Cost").
	TracerProvider trace.TracerProvider
	// MeterProvider makes the instruments; nil means the global one,
	// followed like TracerProvider.
	MeterProvider metric.MeterProvider
	// Kind is the store.kind attribute, such as "redis" or "fs".
	Kind string
}

// Store is an instrumented store.MutableStore, store.Deleter and io.Closer.
type Store struct {
	next        store.MutableStore
	tracer      trace.Tracer
	traceOff    bool // a no-op provider: never start spans
	global      bool // following the global provider: trace once it is set
	meterOff    bool // a no-op meter provider
	globalMeter bool // following the global meter provider: record once it is set
	duration    metric.Float64Histogram
	count       metric.Int64Counter
	ops         [3]opInfo
	life        lifetime.State
}

type opInfo struct {
	spanName  string
	startOpts []trace.SpanStartOption
	record    [3][]metric.RecordOption // by outcome
	add       [3][]metric.AddOption
}

const (
	iRead = iota
	iWrite
	iDelete
)

var (
	_ store.MutableStore = (*Store)(nil)
	_ store.Deleter      = (*Store)(nil)
	_ io.Closer          = (*Store)(nil)
)

// defaultTracerProvider is the global provider before anyone sets one.
var defaultTracerProvider = otel.GetTracerProvider()

// defaultMeterProvider is the global meter provider before anyone sets one.
var defaultMeterProvider = otel.GetMeterProvider()

// New returns s instrumented by the providers of opts.
func New(s store.MutableStore, opts Options) (*Store, error) {
	if s == nil {
		return nil, errors.New("otelstore: New with a nil store")
	}
	tp, mp := opts.TracerProvider, opts.MeterProvider
	w := &Store{next: s}
	if tp == nil {
		tp = otel.GetTracerProvider()
		w.global = tp == defaultTracerProvider
	}
	switch tp.(type) {
	case tracenoop.TracerProvider, *tracenoop.TracerProvider:
		w.traceOff = true
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
		w.globalMeter = mp == defaultMeterProvider
	}
	switch mp.(type) {
	case metricnoop.MeterProvider, *metricnoop.MeterProvider:
		w.meterOff = true
	}
	w.tracer = tp.Tracer(ScopeName)
	meter := mp.Meter(ScopeName)
	var err error
	w.duration, err = meter.Float64Histogram("mutablestore.operation.duration",
		metric.WithUnit("s"), metric.WithDescription("Duration of store operations."))
	if err != nil {
		return nil, fmt.Errorf("otelstore: %w", err)
	}
	w.count, err = meter.Int64Counter("mutablestore.operations",
		metric.WithUnit("{operation}"), metric.WithDescription("Store operations by outcome."))
	if err != nil {
		return nil, fmt.Errorf("otelstore: %w", err)
	}
	for i, op := range []string{store.OpRead, store.OpWrite, store.OpDelete} {
		info := &w.ops[i]
		info.spanName = "mutablestore." + op
		info.startOpts = []trace.SpanStartOption{
			trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(KindKey.String(opts.Kind), OperationKey.String(op)),
		}
		for j, outcome := range []string{OutcomeOK, OutcomeNotFound, OutcomeError} {
			set := attribute.NewSet(KindKey.String(opts.Kind), OperationKey.String(op), OutcomeKey.String(outcome))
			info.record[j] = []metric.RecordOption{metric.WithAttributeSet(set)}
			info.add[j] = []metric.AddOption{metric.WithAttributeSet(set)}
		}
	}
	return w, nil
}

// tracing reports whether spans are started.
func (w *Store) tracing() bool {
	if w.traceOff {
		return false
	}
	return !w.global || otel.GetTracerProvider() != defaultTracerProvider
}

// metering reports whether measurements are recorded.
func (w *Store) metering() bool {
	if w.meterOff {
		return false
	}
	return !w.globalMeter || otel.GetMeterProvider() != defaultMeterProvider
}

// start begins the span of op on name, when tracing.
func (w *Store) start(ctx context.Context, op int, name string) (context.Context, trace.Span) {
	if !w.tracing() {
		return ctx, nil
	}
	ctx, span := w.tracer.Start(ctx, w.ops[op].spanName, w.ops[op].startOpts...)
	if span.IsRecording() {
		span.SetAttributes(NameKey.String(name))
	}
	return ctx, span
}

// end records the outcome of op.
func (w *Store) end(ctx context.Context, op int, span trace.Span, began time.Time, err error) {
	outcome := 0
	switch {
	case err == nil:
	case errors.Is(err, store.ErrNotFound):
		outcome = 1
	default:
		outcome = 2
	}
	if !began.IsZero() {
		info := &w.ops[op]
		w.duration.Record(ctx, time.Since(began).Seconds(), info.record[outcome]...)
		w.count.Add(ctx, 1, info.add[outcome]...)
	}
	if span == nil {
		return
	}
	if span.IsRecording() {
		switch outcome {
		case 1:
			span.SetAttributes(OutcomeKey.String(OutcomeNotFound))
		case 2:
			span.SetAttributes(OutcomeKey.String(OutcomeError))
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		default:
			span.SetAttributes(OutcomeKey.String(OutcomeOK))
		}
	}
	span.End()
}

// Read reads name from the wrapped store.
func (w *Store) Read(ctx context.Context, name string) (string, error) {
	var began time.Time
	if w.metering() {
		began = time.Now()
	}
	ctx, span := w.start(ctx, iRead, name)
	content, err := "", w.closed(ctx, store.OpRead, name)
	if err == nil {
		content, err = w.next.Read(ctx, name)
	}
	w.end(ctx, iRead, span, began, err)
	return content, err
}

// Write writes name in the wrapped store.
func (w *Store) Write(ctx context.Context, name, content string) error {
	var began time.Time
	if w.metering() {
		began = time.Now()
	}
	ctx, span := w.start(ctx, iWrite, name)
	err := w.closed(ctx, store.OpWrite, name)
	if err == nil {
		err = w.next.Write(ctx, name, content)
	}
	w.end(ctx, iWrite, span, began, err)
	return err
}

// Delete deletes name in the wrapped store, which must be a store.Deleter;
// otherwise it returns an error saying so.
func (w *Store) Delete(ctx context.Context, name string) error {
	var began time.Time
	if w.metering() {
		began = time.Now()
	}
	ctx, span := w.start(ctx, iDelete, name)
	d, ok := w.next.(store.Deleter)
	err := w.closed(ctx, store.OpDelete, name)
	switch {
	case err != nil:
	case ok:
		err = d.Delete(ctx, name)
	default:
		if err = store.Check(ctx, store.OpDelete, name); err == nil {
			err = &store.Error{Op: store.OpDelete, Name: name, Err: fmt.Errorf("otelstore: the store %T is not a store.Deleter", w.next)}
		}
	}
	w.end(ctx, iDelete, span, began, err)
	return err
}

// Unwrap returns the wrapped store.
func (w *Store) Unwrap() store.MutableStore { return w.next }

// Close ends the wrapper as store.Store describes. Like cachestore, it does
// not close the wrapped store, which belongs to the caller.
func (w *Store) Close() error {
	w.life.End()
	return nil
}

// closed is the error of an operation after Close, or nil.
func (w *Store) closed(ctx context.Context, op, name string) error {
	if w.life.Ended() {
		return store.NewError(ctx, op, name, lifetime.ErrClosed)
	}
	return nil
}
