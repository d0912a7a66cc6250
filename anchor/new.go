package anchor

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/etranscript/etranscript/keys"
)

// New connects to the chain c describes, checks that its first endpoint
// serves c's chain id, and returns what anchors on it with signer. Close
// releases the connection. An endpoint that cannot be reached is
// ErrUnreachable.
func New(ctx context.Context, c ChainConfig, signer *keys.TxSigner) (*Ethereum, error) {
	cl, err := ethclient.DialContext(ctx, c.RPC[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", c.RPC[0], ErrUnreachable, err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	id, err := cl.ChainID(cctx)
	if err != nil {
		cl.Close()
		return nil, fmt.Errorf("%s: %w: %v", c.RPC[0], ErrUnreachable, err)
	}
	if id.Int64() != c.ChainID {
		cl.Close()
		return nil, fmt.Errorf("%s serves chain id %d, expected %d: %w", c.RPC[0], id.Int64(), c.ChainID, ErrWrongChain)
	}
	e := On(cl, c, signer)
	e.closer = cl.Close
	return e, nil
}

// ErrWrongChain means an endpoint serves another chain than configured.
var ErrWrongChain = errors.New("wrong chain")

// On is what anchors with signer on the chain c describes, through client
// (the embedded dev chain's, or one already open): c's confirmations
// (DefaultConfirmations if none), fee caps and replacement delay.
func On(client Backend, c ChainConfig, signer *keys.TxSigner) *Ethereum {
	e := &Ethereum{Client: client, Signer: signer, ChainID: big.NewInt(c.ChainID), Confirmations: c.Confirmations,
		Poll: time.Second, StuckAfter: 3 * time.Minute}
	if e.Confirmations == 0 {
		e.Confirmations = DefaultConfirmations
	}
	if d, err := time.ParseDuration(c.StuckAfter); err == nil && d > 0 {
		e.StuckAfter = d
	}
	e.MaxFeeCap, e.MaxTipCap = gwei(c.MaxFeeGwei), gwei(c.MaxTipGwei)
	return e
}

// Close releases the connection New made.
func (e *Ethereum) Close() {
	if e.closer != nil {
		e.closer()
	}
}

// gwei is g gwei in wei; nil for no amount.
func gwei(g float64) *big.Int {
	if g <= 0 {
		return nil
	}
	v, _ := new(big.Float).Mul(big.NewFloat(g), big.NewFloat(1e9)).Int(nil)
	return v
}
