package anchor

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/etranscript/etranscript/credential/merkleproof"
)

// BurnAddress receives every anchoring transaction (value 0), as cert-issuer
// sends them (docs/credential.md §5).
var BurnAddress = common.HexToAddress("0xdeaddeaddeaddeaddeaddeaddeaddeaddeaddead")

// Tx is a signed anchoring transaction. It is recorded in the batch's
// journal before it is broadcast, so that a crash never loses track of a
// transaction that may be mined.
type Tx struct {
	Hash   common.Hash   `json:"hash"`
	Nonce  uint64        `json:"nonce"`
	Raw    hexutil.Bytes `json:"raw"`
	TipCap *hexutil.Big  `json:"tipCap"`
	FeeCap *hexutil.Big  `json:"feeCap"`
	Signed time.Time     `json:"signed"`
}

// Result says where a root was anchored.
type Result struct {
	Chain         string         `json:"chain"`   // "eth" or "mocknet"
	Network       int64          `json:"network"` // EIP-155 chain id; -1 for mocknet
	TxID          string         `json:"tx"`
	Block         uint64         `json:"block,omitempty"`
	BlockHash     common.Hash    `json:"blockHash,omitempty"`
	Time          time.Time      `json:"time,omitempty"`
	Confirmations uint64         `json:"confirmations,omitempty"`
	From          common.Address `json:"from,omitempty"`
}

// Journal keeps the transactions sent for one root. Record must be durable
// when it returns.
type Journal interface {
	Txs() []*Tx
	Record(*Tx) error
}

// MemJournal is a Journal in memory (tests).
type MemJournal struct{ List []*Tx }

func (m *MemJournal) Txs() []*Tx         { return m.List }
func (m *MemJournal) Record(t *Tx) error { m.List = append(m.List, t); return nil }

// ErrUnreachable marks a chain that could not be reached: the command
// could not complete (exit status 3) and a later run resumes.
var ErrUnreachable = errors.New("chain unreachable")

// ErrFunds is returned when the issuer's account cannot pay for the
// anchoring transaction.
var ErrFunds = errors.New("insufficient funds")

// FundsError names the account and the amount it needs.
type FundsError struct {
	Address common.Address
	Have    *big.Int
	Need    *big.Int
}

func (e *FundsError) Error() string {
	return fmt.Sprintf("account %s has %s ETH but needs at least %s ETH to pay for the anchoring transaction",
		e.Address.Hex(), ether(e.Have), ether(e.Need))
}

func (e *FundsError) Unwrap() error { return ErrFunds }

// ErrReverted is returned for an anchoring transaction whose receipt says
// it failed.
var ErrReverted = errors.New("anchoring transaction reverted")

func ether(wei *big.Int) string {
	f, _ := new(big.Rat).SetFrac(wei, big.NewInt(1e18)).Float64()
	return fmt.Sprintf("%.6g", f)
}

// Mocknet "anchors" nothing: the test chain of docs/credential.md §4.
type MocknetAnchorer struct{}

// Anchor implements the issuer's Anchorer.
func (MocknetAnchorer) Anchor(context.Context, [32]byte, Journal) (*Result, error) {
	return &Result{Chain: Mocknet, Network: -1, TxID: merkleproof.MocknetTxID}, nil
}
