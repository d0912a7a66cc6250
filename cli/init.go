package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/etranscript/etranscript/config"
	"github.com/etranscript/etranscript/keys"
)

// Init creates a data directory: config.json and the issuer's keys.
func Init(dir string, cfg *config.Config, passphrase []byte, w io.Writer) error {
	if err := cfg.Check(); err != nil {
		return Usage(err)
	}
	if _, err := config.Load(dir); err == nil {
		return Usage(fmt.Errorf("%s is already initialized", dir))
	}
	ring, err := keys.Create(dir, passphrase, time.Now())
	if err != nil {
		return Usage(err)
	}
	if err := cfg.Save(dir); err != nil {
		return err
	}
	k, _ := ring.Active(keys.Ed25519)
	fmt.Fprintf(w, "initialized %s\nissuer profile: %s\nsigning key: %s\n", dir, cfg.ProfileURL(), k.ID)
	return nil
}

// Profile returns the issuer profile document of a data directory.
func Profile(dir string) ([]byte, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, err
	}
	ring, err := keys.Open(dir)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(ring.Profile(cfg.Issuer()), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
