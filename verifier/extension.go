package verifier

import "context"

// Extension is a check of the verifier's user, added to its table of
// steps (Verifier.Extensions): a new kind of check without a change to
// this package.
type Extension struct {
	// ID names the check in results ("gpa_policy"); it must not be a
	// built-in check's.
	ID string
	// Check looks at the credential, decoded, and says its outcome: a
	// status, a reason code ("gpa_policy.below_minimum") and the values its
	// message names.
	Check func(ctx context.Context, credential map[string]any) (Status, string, map[string]string)
	// Messages are the English texts of its reasons, as in Messages.
	Messages map[string]string
}

// extensionSteps are the Extensions as steps of the table.
func (v *Verifier) extensionSteps() []step {
	var out []step
	for _, e := range v.Extensions {
		out = append(out, step{e.ID, func(ctx context.Context, r *Result, st *state) {
			s, reason, params := e.Check(ctx, st.doc)
			msg, ok := e.Messages[reason]
			if !ok {
				msg = reason
			}
			r.Checks = append(r.Checks, Check{ID: e.ID, Status: s, Reason: reason, Params: params, Message: render(msg, params)})
		}})
	}
	return out
}
