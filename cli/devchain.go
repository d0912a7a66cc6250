package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/etranscript/etranscript/anchor/devchain"
	"github.com/etranscript/etranscript/issuer"
	"github.com/etranscript/etranscript/keys"
)

// DefaultDevChainRPC is where 'devchain' serves JSON-RPC unless told.
const DefaultDevChainRPC = "127.0.0.1:8545"

// DevChain runs the embedded dev chain until ctx ends, with JSON-RPC on
// rpcAddr (loopback only).
func DevChain(ctx context.Context, dir, rpcAddr string, w io.Writer) error {
	cfg, ring, err := openIssuer(dir)
	if err != nil {
		return err
	}
	if rpcAddr == "" {
		rpcAddr = cfg.DevChainRPC
	}
	if rpcAddr == "" {
		rpcAddr = DefaultDevChainRPC
	}
	opts := devchain.Options{ChainID: cfg.DevChain(), RPCAddr: rpcAddr}
	for _, k := range ring.Keys {
		if k.Type == keys.Secp256k1 {
			opts.Fund = append(opts.Fund, k.Address())
			break
		}
	}
	c, err := devchain.Open(cfg.DevChainDir(), opts)
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(w, "dev chain %d: JSON-RPC at %s (data in %s); Ctrl-C stops it\n", cfg.DevChain(), c.RPCURL(), cfg.DevChainDir())
	<-ctx.Done()
	return nil
}

// ShowKeys prints the key ring: ids, types, validity, and the Ethereum
// address that must hold funds to anchor.
func ShowKeys(dir string, asJSON bool, w io.Writer) error {
	ring, err := keys.Open(dir)
	if err != nil {
		return err
	}
	if asJSON {
		return showKeysJSON(ring, w)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tTYPE\tCREATED\tSTATE\tADDRESS")
	for _, k := range ring.Keys {
		state := "active"
		switch {
		case k.Revoked != nil:
			state = "revoked since " + k.Revoked.Format("2006-01-02")
		case k.Retired != nil:
			state = "retired " + k.Retired.Format("2006-01-02")
		}
		addr := "-"
		if k.Type == keys.Secp256k1 {
			addr = k.Address().Hex()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Type, k.Created.Format("2006-01-02"), state, addr)
	}
	return tw.Flush()
}

// RotateKey retires the active signing key, makes a new one, and signs
// the status lists again with it.
func RotateKey(ctx context.Context, dir, dsn string, passphrase []byte, w io.Writer) error {
	cfg, ring, err := openIssuer(dir)
	if err != nil {
		return err
	}
	pending, err := issuer.Unanchored(cfg.BatchesDir())
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return Usage(fmt.Errorf("batch %s is signed but not yet anchored: finish it first (etranscript issue its file again), or its credentials would be anchored after their key was retired", strings.Join(pending, ", ")))
	}
	k, err := ring.Rotate(passphrase, time.Now())
	if err != nil {
		return err
	}
	if err := republish(ctx, cfg, dsn, passphrase); err != nil {
		return fmt.Errorf("new key %s made, but the status lists were not signed again: %w", k.ID, err)
	}
	fmt.Fprintf(w, "new signing key %s; the old one stays in the profile for what it signed; status lists signed again\n", k.ID)
	return nil
}

// RevokeKey marks a key compromised since a date (RFC 3339 or YYYY-MM-DD).
// The status lists are signed again with the active key.
func RevokeKey(ctx context.Context, dir, dsn, id, since string, passphrase []byte, w io.Writer) error {
	t, err := time.Parse(time.RFC3339, since)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, since); err != nil {
			return Usage(fmt.Errorf("--since: expected a date such as 2026-11-01 or 2026-11-01T09:00:00Z, got %q", since))
		}
	}
	cfg, ring, err := openIssuer(dir)
	if err != nil {
		return err
	}
	before, _ := ring.Active(keys.Ed25519)
	if err := ring.Revoke(id, t, passphrase, time.Now()); err != nil {
		if errors.Is(err, keys.ErrNoSuchKey) {
			return Usage(err)
		}
		return err
	}
	if err := republish(ctx, cfg, dsn, passphrase); err != nil {
		return fmt.Errorf("key %s revoked, but the status lists were not signed again: %w", id, err)
	}
	fmt.Fprintf(w, "key %s revoked since %s: what it signed or anchored since then no longer verifies; status lists signed again\n", id, t.UTC().Format(time.RFC3339))
	if after, ok := ring.Active(keys.Ed25519); ok && after.ID != before.ID {
		fmt.Fprintf(w, "it was the active signing key: %s is the active signing key now (publish the issuer profile again: 'etranscript keys profile')\n", after.ID)
	}
	return nil
}

// showKeysJSON prints the keys and the VC API's issuer id: the did:key of
// the active Ed25519 key, as /credentials/issue signs.
func showKeysJSON(ring *keys.Ring, w io.Writer) error {
	type key struct {
		ID      string     `json:"id"`
		Type    string     `json:"type"`
		Created time.Time  `json:"created"`
		Retired *time.Time `json:"retired,omitempty"`
		Revoked *time.Time `json:"revokedSince,omitempty"`
		Address string     `json:"address,omitempty"`
		// PublicKeyMultibase is an Ed25519 key's Multikey.
		PublicKeyMultibase string `json:"publicKeyMultibase,omitempty"`
	}
	out := struct {
		Keys               []key  `json:"keys"`
		VCAPIIssuer        string `json:"vcApiIssuer,omitempty"`
		VerificationMethod string `json:"vcApiVerificationMethod,omitempty"`
	}{Keys: []key{}}
	for _, k := range ring.Keys {
		e := key{ID: k.ID, Type: k.Type, Created: k.Created, Retired: k.Retired, Revoked: k.Revoked}
		switch k.Type {
		case keys.Secp256k1:
			e.Address = k.Address().Hex()
		case keys.Ed25519:
			e.PublicKeyMultibase = k.Multibase()
		}
		out.Keys = append(out.Keys, e)
	}
	if ed, ok := ring.Active(keys.Ed25519); ok {
		out.VCAPIIssuer = "did:key:" + ed.Multibase()
		out.VerificationMethod = out.VCAPIIssuer + "#" + ed.Multibase()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
