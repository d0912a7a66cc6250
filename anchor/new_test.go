package anchor_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/etranscript/etranscript/anchor"
)

// chainIDServer is a JSON-RPC endpoint that answers eth_chainId only.
func chainIDServer(t *testing.T, id int64) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":1,"result":"0x%x"}`, id)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestNew(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	for _, tc := range []struct {
		name string
		cfg  anchor.ChainConfig
		want error
	}{
		{"ok/defaults", anchor.ChainConfig{RPC: []string{chainIDServer(t, 11155111)}, ChainID: 11155111}, nil},
		{"ok/settings", anchor.ChainConfig{RPC: []string{chainIDServer(t, 5)}, ChainID: 5, Confirmations: 3, MaxFeeGwei: 2.5, MaxTipGwei: 1, StuckAfter: "10m"}, nil},
		{"fail/wrong chain", anchor.ChainConfig{RPC: []string{chainIDServer(t, 1)}, ChainID: 11155111}, anchor.ErrWrongChain},
		{"fail/unreachable", anchor.ChainConfig{RPC: []string{down.URL}, ChainID: 1}, anchor.ErrUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := anchor.New(context.Background(), tc.cfg, nil)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if err != nil {
				return
			}
			defer e.Close()
			wantConf := tc.cfg.Confirmations
			if wantConf == 0 {
				wantConf = anchor.DefaultConfirmations
			}
			if e.ChainID.Int64() != tc.cfg.ChainID || e.Confirmations != wantConf {
				t.Errorf("chain %v, confirmations %d", e.ChainID, e.Confirmations)
			}
			if tc.cfg.MaxFeeGwei > 0 && (e.MaxFeeCap.String() != "2500000000" || e.MaxTipCap.String() != "1000000000" || e.StuckAfter.Minutes() != 10) {
				t.Errorf("fee caps %v %v, stuck after %v", e.MaxFeeCap, e.MaxTipCap, e.StuckAfter)
			}
		})
	}
}
