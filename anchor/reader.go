package anchor

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// ChainConfig is one named chain of the configuration.
type ChainConfig struct {
	// RPC lists JSON-RPC endpoints; when several are given the verifier
	// asks each and requires them to agree.
	RPC []string `json:"rpc"`
	// ChainID is the EIP-155 chain id; it is checked against every endpoint.
	ChainID int64 `json:"chainId"`
	// Network is the blink network name shown for this chain (e.g.
	// "sepolia"); the proofs carry the chain id.
	Network string `json:"network,omitempty"`
	// Confirmations required (default 12; 1 on the dev chain).
	Confirmations uint64 `json:"confirmations,omitempty"`
	// MaxFeeGwei and MaxTipGwei cap what one anchor may pay per gas.
	MaxFeeGwei float64 `json:"maxFeeGwei,omitempty"`
	MaxTipGwei float64 `json:"maxTipGwei,omitempty"`
	// StuckAfter is how long a transaction waits before it is replaced
	// with a higher fee (a Go duration, default "3m").
	StuckAfter string `json:"stuckAfter,omitempty"`
}

// Validate checks a chain's settings; name is its key in config.json's
// "chains", for the messages.
func (c ChainConfig) Validate(name string) error {
	key := "chains." + name
	if len(c.RPC) == 0 {
		return fmt.Errorf("%s.rpc: expected one or more JSON-RPC URLs", key)
	}
	for i, u := range c.RPC {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https" && p.Scheme != "ws" && p.Scheme != "wss") || p.Host == "" {
			return fmt.Errorf("%s.rpc[%d]: expected an http(s) or ws(s) URL, got %q", key, i, u)
		}
	}
	if c.ChainID <= 0 {
		return fmt.Errorf("%s.chainId: expected the chain's EIP-155 id, such as 11155111 for Sepolia", key)
	}
	if c.MaxFeeGwei < 0 || c.MaxTipGwei < 0 || c.MaxTipGwei > c.MaxFeeGwei && c.MaxFeeGwei > 0 {
		return fmt.Errorf("%s: expected maxTipGwei and maxFeeGwei from 0, the tip at most the fee", key)
	}
	if c.StuckAfter != "" {
		if d, err := time.ParseDuration(c.StuckAfter); err != nil || d <= 0 {
			return fmt.Errorf("%s.stuckAfter: expected a duration such as 3m, got %q", key, c.StuckAfter)
		}
	}
	return nil
}

// DefaultConfirmations is what public chains wait for unless configured.
const DefaultConfirmations = 12

// TxReader is what reading an anchor needs of a node.
type TxReader interface {
	ChainID(ctx context.Context) (*big.Int, error)
	TransactionByHash(ctx context.Context, hash common.Hash) (*types.Transaction, bool, error)
	TransactionReceipt(ctx context.Context, hash common.Hash) (*types.Receipt, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	BlockNumber(ctx context.Context) (uint64, error)
}

// TxInfo is what the chain says about an anchoring transaction.
type TxInfo struct {
	Hash          common.Hash
	From          common.Address
	To            *common.Address
	Input         []byte
	Success       bool
	Block         uint64
	BlockHash     common.Hash
	Time          time.Time
	Confirmations uint64
}

// ErrNoTx means the chain has no such transaction (or has not mined it).
var ErrNoTx = errors.New("no such transaction on the chain")

// Reader reads anchoring transactions from one chain through one or more
// endpoints, which must agree.
type Reader struct {
	ChainID       int64
	Network       string // the configured name, if any
	Confirmations uint64
	Endpoints     []TxReader
	Timeout       time.Duration
}

// Lookup fetches a transaction, its receipt and its block from every
// endpoint and returns what they agree on. Unreachable endpoints give an
// ErrUnreachable error; endpoints that disagree an error too: one source
// is never trusted when several are configured.
func (r *Reader) Lookup(ctx context.Context, txid string) (*TxInfo, error) {
	h := strings.TrimPrefix(strings.ToLower(txid), "0x")
	if len(h) != 64 {
		return nil, fmt.Errorf("transaction id %q is not a 32-byte hash", txid)
	}
	hash := common.HexToHash(h)
	var agreed *TxInfo
	missing := 0
	for i, ep := range r.Endpoints {
		info, err := r.lookupOne(ctx, ep, hash)
		if errors.Is(err, ErrNoTx) {
			missing++
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("endpoint %d: %w", i+1, err)
		}
		if agreed == nil {
			agreed = info
			continue
		}
		if info.BlockHash != agreed.BlockHash || info.From != agreed.From || string(info.Input) != string(agreed.Input) || info.Success != agreed.Success {
			return nil, fmt.Errorf("%w: endpoints disagree about transaction %s", ErrUnreachable, hash.Hex())
		}
		agreed.Confirmations = min(agreed.Confirmations, info.Confirmations)
	}
	switch {
	case len(r.Endpoints) == 0:
		return nil, fmt.Errorf("%w: no endpoint configured", ErrUnreachable)
	case missing == len(r.Endpoints):
		return nil, ErrNoTx
	case missing > 0:
		return nil, fmt.Errorf("%w: endpoints disagree: %d of %d do not have transaction %s", ErrUnreachable, missing, len(r.Endpoints), hash.Hex())
	}
	return agreed, nil
}

func (r *Reader) lookupOne(ctx context.Context, ep TxReader, hash common.Hash) (*TxInfo, error) {
	t := r.Timeout
	if t <= 0 {
		t = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, t)
	defer cancel()
	id, err := ep.ChainID(ctx)
	if err != nil {
		return nil, unreachable("chain id", err)
	}
	if id.Int64() != r.ChainID {
		return nil, fmt.Errorf("%w: the endpoint serves chain %d, not %d", ErrUnreachable, id.Int64(), r.ChainID)
	}
	tx, pending, err := ep.TransactionByHash(ctx, hash)
	if err != nil {
		if notYet(err) {
			return nil, ErrNoTx
		}
		return nil, unreachable("transaction", err)
	}
	info := &TxInfo{Hash: hash, To: tx.To(), Input: tx.Data()}
	from, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx)
	if err != nil {
		return nil, fmt.Errorf("transaction %s: sender: %w", hash.Hex(), err)
	}
	info.From = from
	if pending {
		return info, nil // not mined: zero confirmations
	}
	rc, err := ep.TransactionReceipt(ctx, hash)
	if err != nil {
		if notYet(err) {
			return info, nil
		}
		return nil, unreachable("receipt", err)
	}
	info.Success = rc.Status == types.ReceiptStatusSuccessful
	info.Block, info.BlockHash = rc.BlockNumber.Uint64(), rc.BlockHash
	head, err := ep.BlockNumber(ctx)
	if err != nil {
		return nil, unreachable("block number", err)
	}
	hdr, err := ep.HeaderByNumber(ctx, rc.BlockNumber)
	if err != nil {
		return nil, unreachable("header", err)
	}
	if hdr.Hash() != rc.BlockHash {
		return info, nil // reorganised away: not confirmed
	}
	info.Time = time.Unix(int64(hdr.Time), 0).UTC()
	if head >= info.Block {
		info.Confirmations = head - info.Block + 1
	}
	return info, nil
}

// Required is the number of confirmations the chain requires.
func (r *Reader) Required() uint64 { return max(r.Confirmations, 1) }

// NetworkName is the configured network name, or "" for none.
func (r *Reader) NetworkName() string { return r.Network }
