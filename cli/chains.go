package cli

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/etranscript/etranscript/anchor"
	"github.com/etranscript/etranscript/anchor/devchain"
	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/keys"
)

// DevChainName is the name of the embedded dev chain.
const DevChainName = "dev"

// devClient opens the embedded dev chain in this process, or reaches the
// process that holds it through the RPC address it recorded.
func devClient(cfg *config.Config, ring *keys.Ring) (*ethclient.Client, func(), error) {
	var fund []keys.Key
	for _, k := range ring.Keys {
		if k.Type == keys.Secp256k1 {
			fund = append(fund, k)
		}
	}
	opts := devchain.Options{ChainID: cfg.DevChain(), RPCAddr: cfg.DevChainRPC}
	for _, k := range fund[:min(1, len(fund))] {
		opts.Fund = append(opts.Fund, k.Address())
	}
	c, err := devchain.Open(cfg.DevChainDir(), opts)
	if errors.Is(err, devchain.ErrHeld) {
		url, err := devchain.RecordedURL(cfg.DevChainDir())
		if err != nil {
			return nil, nil, fmt.Errorf("dev chain: %w", err)
		}
		cl, err := ethclient.Dial(url)
		if err != nil {
			return nil, nil, fmt.Errorf("dev chain at %s: %w: %v", url, anchor.ErrUnreachable, err)
		}
		return cl, cl.Close, nil
	}
	if err != nil {
		return nil, nil, err
	}
	cl := c.Client()
	return cl, func() { cl.Close(); c.Close() }, nil
}

// openAnchorer returns what anchors on the chain named name.
func openAnchorer(ctx context.Context, cfg *config.Config, ring *keys.Ring, name string, passphrase func() ([]byte, error)) (issuer.Anchorer, func(), error) {
	if name == anchor.Mocknet {
		return anchor.MocknetAnchorer{}, func() {}, nil
	}
	key, ok := ring.Active(keys.Secp256k1)
	if !ok {
		return nil, nil, Usage(errors.New("no active Ethereum key: run 'etranscript keys rotate'"))
	}
	pass, err := passphrase()
	if err != nil {
		return nil, nil, err
	}
	signer, err := ring.EthSigner(key.ID, pass)
	if err != nil {
		return nil, nil, err
	}
	e := &anchor.Ethereum{Signer: signer, Poll: time.Second, StuckAfter: 3 * time.Minute}
	switch name {
	case DevChainName:
		cl, closer, err := devClient(cfg, ring)
		if err != nil {
			return nil, nil, err
		}
		e.Client, e.ChainID, e.Confirmations, e.Poll, e.StuckAfter = cl, big.NewInt(cfg.DevChain()), 1, 50*time.Millisecond, 30*time.Second
		return e, closer, nil
	}
	ch, ok := cfg.Chains[name]
	if !ok {
		return nil, nil, Usage(fmt.Errorf("chain %q: %w: expected dev, mocknet or a chain named in config.json \"chains\"", name, issuer.ErrChain))
	}
	cl, err := ethclient.DialContext(ctx, ch.RPC[0])
	if err != nil {
		return nil, nil, fmt.Errorf("chain %s: %w: %v", name, anchor.ErrUnreachable, err)
	}
	e.Client, e.ChainID = cl, big.NewInt(ch.ChainID)
	e.Confirmations = ch.Confirmations
	if e.Confirmations == 0 {
		e.Confirmations = anchor.DefaultConfirmations
	}
	if ch.StuckAfter != "" {
		e.StuckAfter, _ = time.ParseDuration(ch.StuckAfter)
	}
	gwei := func(g float64) *big.Int {
		if g <= 0 {
			return nil
		}
		v, _ := new(big.Float).Mul(big.NewFloat(g), big.NewFloat(1e9)).Int(nil)
		return v
	}
	e.MaxFeeCap, e.MaxTipCap = gwei(ch.MaxFeeGwei), gwei(ch.MaxTipGwei)
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	id, err := cl.ChainID(c)
	if err != nil {
		cl.Close()
		return nil, nil, fmt.Errorf("chain %s (%s): %w: %v", name, ch.RPC[0], anchor.ErrUnreachable, err)
	}
	if id.Int64() != ch.ChainID {
		cl.Close()
		return nil, nil, Usage(fmt.Errorf("chain %s: the endpoint serves chain id %d, config says %d", name, id.Int64(), ch.ChainID))
	}
	return e, cl.Close, nil
}

// readers returns the verifier's chain readers by chain id: every named
// chain of the configuration and, when the data directory has one, the
// embedded dev chain. devErr says why the dev chain, which the data
// directory has, cannot be read.
func readers(cfg *config.Config, ring *keys.Ring) (rs map[int64]*anchor.Reader, done func(), devErr error) {
	out := map[int64]*anchor.Reader{}
	var closers []func()
	for _, ch := range cfg.Chains {
		r := &anchor.Reader{ChainID: ch.ChainID, Confirmations: ch.Confirmations, Network: ch.Network}
		if r.Confirmations == 0 {
			r.Confirmations = anchor.DefaultConfirmations
		}
		for _, u := range ch.RPC {
			cl, err := ethclient.Dial(u)
			if err != nil {
				continue
			}
			closers = append(closers, cl.Close)
			r.Endpoints = append(r.Endpoints, cl)
		}
		out[ch.ChainID] = r
	}
	if _, named := out[cfg.DevChain()]; !named && ring != nil && dirExists(cfg.DevChainDir()) {
		if cl, closer, err := devClient(cfg, ring); err == nil {
			closers = append(closers, closer)
			out[cfg.DevChain()] = &anchor.Reader{ChainID: cfg.DevChain(), Confirmations: 1, Network: "dev", Endpoints: []anchor.TxReader{cl}}
		} else {
			devErr = err
		}
	}
	return out, func() {
		for _, c := range closers {
			c()
		}
	}, devErr
}
