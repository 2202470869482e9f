package pgstore_test

import (
	"testing"

	"github.com/mutablestore/mutablestore/internal/testservice"
)

func TestMain(m *testing.M) { testservice.Main(m) }
