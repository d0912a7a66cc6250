package cli

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/store"
)

// CreateToken makes an issuer-API bearer token called name, stores its
// hash, and prints it: it is shown this once.
func CreateToken(ctx context.Context, dir, dsn, name string, w io.Writer) error {
	if strings.TrimSpace(name) == "" {
		return Usage(errors.New("token create NAME: a name is required (who or what uses the token)"))
	}
	cfg, err := config.Load(dir)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.Dir(), cfg.DSN(dsn))
	if err != nil {
		return err
	}
	defer db.Close()
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	tok := "etr_" + base64.RawURLEncoding.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(tok))
	if err := db.CreateToken(ctx, name, hex.EncodeToString(sum[:]), time.Now()); err != nil {
		return err
	}
	fmt.Fprintln(w, tok)
	return nil
}

// openStore opens the store of a data directory.
func openStore(ctx context.Context, dir, dsn string) (*store.DB, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, cfg.Dir(), cfg.DSN(dsn))
}

// ListTokens prints every issuer-API token's name, when it was made and,
// if so, when it was revoked. Token values are never kept, so never shown.
func ListTokens(ctx context.Context, dir, dsn string, w io.Writer) error {
	db, err := openStore(ctx, dir, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ts, err := db.Tokens(ctx)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		fmt.Fprintln(w, "no issuer-API tokens: make one with 'etranscript token create NAME'")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCREATED\tSTATE")
	for _, t := range ts {
		state := "in use"
		if !t.Revoked.IsZero() {
			state = "revoked " + t.Revoked.UTC().Format("2006-01-02 15:04Z")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.Created.UTC().Format("2006-01-02 15:04Z"), state)
	}
	return tw.Flush()
}

// RevokeToken revokes the tokens in use called name: requests with them
// are refused (401) from now on.
func RevokeToken(ctx context.Context, dir, dsn, name string, w io.Writer) error {
	db, err := openStore(ctx, dir, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.RevokeToken(ctx, name, time.Now())
	if err != nil {
		return err
	}
	if n == 0 {
		return Usage(fmt.Errorf("token revoke %s: no token in use has that name ('etranscript token list' shows them)", name))
	}
	fmt.Fprintf(w, "revoked %d token(s) called %s: the issuer API refuses them from now on\n", n, name)
	return nil
}
