package anchor

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/etranscript/etranscript/keys"
)

// Backend is what anchoring needs of an Ethereum node; *ethclient.Client
// has it.
type Backend interface {
	ChainID(ctx context.Context) (*big.Int, error)
	NonceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (uint64, error)
	PendingNonceAt(ctx context.Context, account common.Address) (uint64, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
	SuggestGasTipCap(ctx context.Context) (*big.Int, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	EstimateGas(ctx context.Context, msg ethereum.CallMsg) (uint64, error)
	SendTransaction(ctx context.Context, tx *types.Transaction) error
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
	TransactionByHash(ctx context.Context, txHash common.Hash) (*types.Transaction, bool, error)
	BlockNumber(ctx context.Context) (uint64, error)
}

// Ethereum anchors roots with value-0 transactions to BurnAddress whose data
// is the 32-byte root (docs/credential.md §5).
type Ethereum struct {
	Client  Backend
	Signer  *keys.TxSigner
	ChainID *big.Int
	// Confirmations to wait for (1 on the dev chain, 12 by default elsewhere).
	Confirmations uint64
	// MaxFeeCap and MaxTipCap cap the fees per gas, in wei; nil for no cap.
	MaxFeeCap, MaxTipCap *big.Int
	// StuckAfter is how long a transaction may wait unmined before it is
	// replaced with a higher fee (same nonce).
	StuckAfter time.Duration
	// Poll is the interval between looks at the chain.
	Poll time.Duration
	// CallTimeout bounds each call to the node.
	CallTimeout time.Duration

	closer func()
}

func (e *Ethereum) call(ctx context.Context) (context.Context, context.CancelFunc) {
	t := e.CallTimeout
	if t <= 0 {
		t = 15 * time.Second
	}
	return context.WithTimeout(ctx, t)
}

func unreachable(op string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("%s: %w: %v", op, ErrUnreachable, err)
}

// fees picks the tip and fee cap for a new transaction, or for a
// replacement of prev (at least 12.5% more of both, as nodes require 10%).
func (e *Ethereum) fees(ctx context.Context, prev *Tx) (tip, feeCap *big.Int, err error) {
	c, cancel := e.call(ctx)
	defer cancel()
	tip, err = e.Client.SuggestGasTipCap(c)
	if err != nil {
		return nil, nil, unreachable("suggest tip", err)
	}
	head, err := e.Client.HeaderByNumber(c, nil)
	if err != nil {
		return nil, nil, unreachable("latest header", err)
	}
	base := head.BaseFee
	if base == nil {
		base = new(big.Int)
	}
	if prev != nil {
		bump := func(v *big.Int) *big.Int { return new(big.Int).Div(new(big.Int).Mul(v, big.NewInt(9)), big.NewInt(8)) }
		if t := bump(prev.TipCap.ToInt()); t.Cmp(tip) > 0 {
			tip = t
		}
	}
	if e.MaxTipCap != nil && tip.Cmp(e.MaxTipCap) > 0 {
		tip = new(big.Int).Set(e.MaxTipCap)
	}
	feeCap = new(big.Int).Add(new(big.Int).Mul(base, big.NewInt(2)), tip)
	if prev != nil {
		if f := new(big.Int).Div(new(big.Int).Mul(prev.FeeCap.ToInt(), big.NewInt(9)), big.NewInt(8)); f.Cmp(feeCap) > 0 {
			feeCap = f
		}
	}
	if e.MaxFeeCap != nil && feeCap.Cmp(e.MaxFeeCap) > 0 {
		feeCap = new(big.Int).Set(e.MaxFeeCap)
	}
	if feeCap.Cmp(tip) < 0 {
		tip = new(big.Int).Set(feeCap)
	}
	return tip, feeCap, nil
}

// sign makes the anchoring transaction for root with the given nonce, or a
// replacement of prev (same nonce, higher fees).
func (e *Ethereum) sign(ctx context.Context, root [32]byte, nonce uint64, prev *Tx) (*Tx, error) {
	tip, feeCap, err := e.fees(ctx, prev)
	if err != nil {
		return nil, err
	}
	if prev != nil && feeCap.Cmp(prev.FeeCap.ToInt()) <= 0 {
		return nil, nil // the caps leave no room to bump: keep waiting
	}
	c, cancel := e.call(ctx)
	defer cancel()
	from := e.Signer.Address
	gas, err := e.Client.EstimateGas(c, ethereum.CallMsg{From: from, To: &BurnAddress, Data: root[:]})
	if err != nil {
		if strings.Contains(err.Error(), "insufficient funds") {
			bal, _ := e.Client.BalanceAt(c, from, nil)
			if bal == nil {
				bal = new(big.Int)
			}
			return nil, &FundsError{Address: from, Have: bal, Need: new(big.Int).Mul(big.NewInt(21_512), feeCap)}
		}
		return nil, unreachable("estimate gas", err)
	}
	need := new(big.Int).Mul(new(big.Int).SetUint64(gas), feeCap)
	bal, err := e.Client.BalanceAt(c, from, nil)
	if err != nil {
		return nil, unreachable("balance", err)
	}
	if bal.Cmp(need) < 0 {
		return nil, &FundsError{Address: from, Have: bal, Need: need}
	}
	tx := types.NewTx(&types.DynamicFeeTx{
		ChainID: e.ChainID, Nonce: nonce, GasTipCap: tip, GasFeeCap: feeCap, Gas: gas,
		To: &BurnAddress, Value: new(big.Int), Data: root[:],
	})
	signer := types.LatestSignerForChainID(e.ChainID)
	sig, err := e.Signer.SignHash(signer.Hash(tx).Bytes())
	if err != nil {
		return nil, err
	}
	signed, err := tx.WithSignature(signer, sig)
	if err != nil {
		return nil, err
	}
	raw, err := signed.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return &Tx{Hash: signed.Hash(), Nonce: nonce, Raw: raw, TipCap: (*hexutil.Big)(tip), FeeCap: (*hexutil.Big)(feeCap), Signed: time.Now().UTC()}, nil
}

// send broadcasts a recorded transaction. A node that already has it, or
// has already mined its nonce, is not an error: the receipts tell.
func (e *Ethereum) send(ctx context.Context, t *Tx) error {
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(t.Raw); err != nil {
		return fmt.Errorf("journal: transaction %s: %w", t.Hash.Hex(), err)
	}
	c, cancel := e.call(ctx)
	defer cancel()
	err := e.Client.SendTransaction(c, tx)
	if err == nil {
		return nil
	}
	msg := strings.ToLower(err.Error())
	for _, benign := range []string{"already known", "known transaction", "nonce too low", "replacement transaction underpriced", "already imported"} {
		if strings.Contains(msg, benign) {
			return nil
		}
	}
	if strings.Contains(msg, "insufficient funds") {
		bal, _ := e.Client.BalanceAt(c, e.Signer.Address, nil)
		if bal == nil {
			bal = new(big.Int)
		}
		return &FundsError{Address: e.Signer.Address, Have: bal, Need: new(big.Int).Mul(big.NewInt(int64(tx.Gas())), tx.GasFeeCap())}
	}
	return unreachable("send transaction", err)
}

// mined looks for a receipt of any of the journal's transactions.
func (e *Ethereum) mined(ctx context.Context, txs []*Tx) (*types.Receipt, *Tx, error) {
	for _, t := range txs {
		c, cancel := e.call(ctx)
		r, err := e.Client.TransactionReceipt(c, t.Hash)
		cancel()
		if err != nil && notYet(err) {
			continue
		}
		if err != nil {
			return nil, nil, unreachable("receipt", err)
		}
		return r, t, nil
	}
	return nil, nil, nil
}

// Anchor gets root into the chain with one transaction and waits for its
// confirmations. It starts from the journal: a transaction recorded by an
// earlier run is looked up and, if it was never mined, sent again, so a
// batch is never anchored twice. Every new or replacement transaction is
// recorded before it is broadcast.
func (e *Ethereum) Anchor(ctx context.Context, root [32]byte, j Journal) (*Result, error) {
	poll := e.Poll
	if poll <= 0 {
		poll = time.Second
	}
	a := &anchoring{e: e, root: root, j: j, stuck: e.StuckAfter}
	if a.stuck <= 0 {
		a.stuck = 3 * time.Minute
	}
	if len(j.Txs()) == 0 {
		if err := a.fresh(ctx); err != nil {
			return nil, err
		}
	}
	a.lastSent = time.Now()
	for {
		res, again, err := a.step(ctx)
		if res != nil || err != nil {
			return res, err
		}
		if again {
			continue
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// anchoring is one Anchor call's state between its looks at the chain.
type anchoring struct {
	e        *Ethereum
	root     [32]byte
	j        Journal
	stuck    time.Duration
	lastSent time.Time
	resent   bool
	consumed int // looks in a row with our nonce used and none of ours known
}

// record journals t, then broadcasts it.
func (a *anchoring) record(ctx context.Context, t *Tx) error {
	if err := a.j.Record(t); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return a.e.send(ctx, t)
}

// fresh signs a new transaction with the account's next nonce.
func (a *anchoring) fresh(ctx context.Context) error {
	c, cancel := a.e.call(ctx)
	nonce, err := a.e.Client.PendingNonceAt(c, a.e.Signer.Address)
	cancel()
	if err != nil {
		return unreachable("nonce", err)
	}
	t, err := a.e.sign(ctx, a.root, nonce, nil)
	if err != nil {
		return err
	}
	return a.record(ctx, t)
}

// step looks at the chain once: the result once a transaction of ours is
// final; again when it should look again at once.
func (a *anchoring) step(ctx context.Context) (res *Result, again bool, err error) {
	txs := a.j.Txs()
	r, t, err := a.e.mined(ctx, txs)
	if err != nil {
		return nil, false, err
	}
	if r == nil {
		again, err = a.notMined(ctx, txs)
		return nil, again, err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return nil, false, fmt.Errorf("transaction %s: %w", t.Hash.Hex(), ErrReverted)
	}
	return a.e.final(ctx, r, t)
}

// final is the anchor of a mined transaction once it has its
// confirmations (nil before), again if its block was reorganised away.
func (e *Ethereum) final(ctx context.Context, r *types.Receipt, t *Tx) (*Result, bool, error) {
	c, cancel := e.call(ctx)
	head, err := e.Client.BlockNumber(c)
	cancel()
	if err != nil {
		return nil, false, unreachable("block number", err)
	}
	conf := uint64(0)
	if head >= r.BlockNumber.Uint64() {
		conf = head - r.BlockNumber.Uint64() + 1
	}
	if conf < max(e.Confirmations, 1) {
		return nil, false, nil
	}
	c, cancel = e.call(ctx)
	h, err := e.Client.HeaderByNumber(c, r.BlockNumber)
	cancel()
	if err != nil {
		return nil, false, unreachable("block header", err)
	}
	if h.Hash() != r.BlockHash {
		return nil, true, nil // reorganised under us: look again
	}
	return &Result{Chain: "eth", Network: e.ChainID.Int64(), TxID: t.Hash.Hex(), Block: r.BlockNumber.Uint64(),
		BlockHash: r.BlockHash, Time: time.Unix(int64(h.Time), 0).UTC(), Confirmations: conf, From: e.Signer.Address}, false, nil
}

// notMined handles a look with no receipt (not mined, dropped by a
// reorganisation, or mined but not indexed yet). If the nonce was used by
// another transaction of this account, none of ours can be mined any
// more: start again with a fresh nonce. But a node can report the nonce
// used before it serves the receipt of our own transaction, so that
// conclusion needs the node to know none of our transactions, several
// looks in a row. A transaction waiting too long is replaced with a
// higher fee; one the node lost is sent again.
func (a *anchoring) notMined(ctx context.Context, txs []*Tx) (again bool, err error) {
	latest := txs[len(txs)-1]
	c, cancel := a.e.call(ctx)
	confirmed, err := a.e.Client.NonceAt(c, a.e.Signer.Address, nil)
	cancel()
	if err != nil {
		return false, unreachable("nonce", err)
	}
	if latest.Nonce < confirmed && !a.e.knowsAny(ctx, txs) {
		a.consumed++
	} else {
		a.consumed = 0
	}
	switch {
	case a.consumed >= 3:
		a.consumed = 0
		if err := a.fresh(ctx); err != nil {
			return false, err
		}
		a.lastSent = time.Now()
		return true, nil
	case time.Since(a.lastSent) > a.stuck:
		t, err := a.e.sign(ctx, a.root, latest.Nonce, latest)
		if err != nil {
			return false, err
		}
		if t != nil {
			if err := a.record(ctx, t); err != nil {
				return false, err
			}
		}
		a.lastSent = time.Now()
	case !a.resent || a.e.unknown(ctx, latest):
		// A node that lost the transaction (restart, reorg) gets it again.
		if err := a.e.send(ctx, latest); err != nil {
			return false, err
		}
		a.resent = true
	}
	return false, nil
}

// notYet tells a receipt that does not exist (yet) from a node failure; a
// node still indexing transactions says so rather than "not found".
func notYet(err error) bool {
	if errors.Is(err, ethereum.NotFound) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "not found") || strings.Contains(msg, "indexing is in progress")
}

// knowsAny reports whether the node has any of our transactions, pending
// or mined.
func (e *Ethereum) knowsAny(ctx context.Context, txs []*Tx) bool {
	for _, t := range txs {
		if !e.unknown(ctx, t) {
			return true
		}
	}
	return false
}

// unknown reports that the node says it does not have t. Any other
// failure counts as known: doubt never leads to a second anchor.
func (e *Ethereum) unknown(ctx context.Context, t *Tx) bool {
	c, cancel := e.call(ctx)
	defer cancel()
	_, _, err := e.Client.TransactionByHash(c, t.Hash)
	return err != nil && notYet(err)
}
