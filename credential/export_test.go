package credential

import "github.com/etranscript/etranscript/canon"

// DirectNQuads is the canonical form of the credential's direct quads, and
// whether it has them.
func DirectNQuads(c *Credential) ([]byte, bool) {
	q, ok := c.directQuads()
	if !ok {
		return nil, false
	}
	res, err := canon.Canonicalize(q, canon.Options{})
	if err != nil {
		panic(err)
	}
	return res.NQuads, true
}

var DirectOK = directOK
