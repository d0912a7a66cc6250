package credential

import (
	"encoding/json"
)

// Doc returns the credential as its JSON decodes (what json.Unmarshal of
// json.Marshal(c) into a map gives), built directly from its fields'
// declarations: the issuer
// canonicalizes every credential it builds, and the round trip through
// JSON cost as much as a third of the canonicalization. Maps, slices and
// strings are fresh, except the inline transcript context, which is
// shared by every credential and must not be changed. TestDoc compares it
// with the round trip.
func (c *Credential) Doc() (map[string]any, error) {
	if c.Proof != nil || c.hasForeignContext() {
		js, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		return m, json.Unmarshal(js, &m)
	}
	ctx, err := c.docContext()
	if err != nil {
		return nil, err
	}
	m := vocab.Map(c)
	m["@context"] = ctx
	return m, nil
}

// docContext is the @context of Doc, for a credential with no foreign
// context.
func (c *Credential) docContext() ([]any, error) {
	tc, err := transcriptContextDoc()
	if err != nil {
		return nil, err
	}
	ctx := make([]any, len(c.Context))
	for i, v := range c.Context {
		if s, ok := v.(string); ok {
			ctx[i] = s
		} else {
			ctx[i] = tc
		}
	}
	return ctx, nil
}

// hasForeignContext reports a context entry other than a URL or our
// inline transcript context.
func (c *Credential) hasForeignContext() bool {
	for _, v := range c.Context {
		switch x := v.(type) {
		case string:
		case json.RawMessage:
			if string(x) != string(TranscriptContext) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

func anyStrings(l []string) any {
	if l == nil {
		return nil
	}
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}
