package cli

import (
	"context"
	"errors"
	"fmt"
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
	if name == DevChainName {
		cl, closer, err := devClient(cfg, ring)
		if err != nil {
			return nil, nil, err
		}
		e := anchor.On(cl, anchor.ChainConfig{ChainID: cfg.DevChain(), Confirmations: 1, StuckAfter: "30s"}, signer)
		e.Poll = 50 * time.Millisecond
		return e, closer, nil
	}
	ch, ok := cfg.Chains[name]
	if !ok {
		return nil, nil, Usage(fmt.Errorf("chain %q: %w: expected dev, mocknet or a chain named in config.json \"chains\"", name, issuer.ErrChain))
	}
	e, err := anchor.New(ctx, ch, signer)
	if errors.Is(err, anchor.ErrWrongChain) {
		return nil, nil, Usage(fmt.Errorf("chain %s: %w (config.json chains.%s.chainId)", name, err, name))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("chain %s: %w", name, err)
	}
	return e, e.Close, nil
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
