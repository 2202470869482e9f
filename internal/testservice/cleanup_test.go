package testservice_test

import (
	"context"
	"testing"
	"time"

	"github.com/mutablestore/mutablestore/internal/testservice"
)

func TestCleanup(t *testing.T) {
	var ran bool
	var ctxErr error
	var deadline time.Time
	t.Run("inner", func(t *testing.T) {
		testservice.Cleanup(t, func(ctx context.Context) {
			ran, ctxErr = true, ctx.Err()
			deadline, _ = ctx.Deadline()
		})
		if ran {
			t.Fatal("the cleanup ran before the test ended")
		}
	})
	if !ran {
		t.Fatal("the cleanup did not run when the test ended")
	}
	if ctxErr != nil {
		t.Errorf("the cleanup's context is done (%v); want a live one", ctxErr)
	}
	if deadline.IsZero() || time.Until(deadline) <= 0 {
		t.Errorf("the cleanup's context has deadline %v; want one in the future", deadline)
	}
}
