package testservice_test

import (
	"testing"

	"github.com/mutablestore/mutablestore/internal/testservice"
)

// TestMain removes the containers the getters started, which matters when
// Ryuk is disabled (scripts/containers checks none is left).
func TestMain(m *testing.M) { testservice.Main(m) }
