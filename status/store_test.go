package status_test

import (
	"testing"

	"github.com/etranscript/etranscript/status"
	"github.com/etranscript/etranscript/status/statustest"
)

func TestMemStore(t *testing.T) {
	statustest.Run(t, func(t *testing.T) status.Store { return status.NewMemStore() })
}
