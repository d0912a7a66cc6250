package main_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSeams: the packages keep to their jobs. The verifier links no PDF
// writer and no font (it only reads PDFs back); the issuer does not
// depend on the command line, nor on the jobs and mail around it; the
// credential model knows nothing of anchoring, and the MerkleProof2019
// codec nothing of the credential.
func TestSeams(t *testing.T) {
	const mod = "github.com/etranscript/etranscript/"
	for _, tc := range []struct {
		pkg       string
		forbidden []string
	}{
		{"verifier", []string{mod + "pdf", mod + "issuer", mod + "cli", mod + "web"}},
		{"pdf/pdfcheck", []string{mod + "pdf"}},
		{"issuer", []string{mod + "cli", mod + "web", mod + "cmd/etranscript", mod + "delivery", mod + "mail"}},
		{"delivery", []string{mod + "cli", mod + "web", mod + "pdf"}},
		{"credential", []string{mod + "credential/merkleproof", mod + "anchor"}},
		{"credential/merkleproof", []string{mod + "credential", mod + "credential/dataintegrity", mod + "jsonld"}},
		{"transcript", []string{mod + "issuer", mod + "credential", mod + "internal/testkit"}},
	} {
		t.Run(tc.pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", "../../"+tc.pkg).Output()
			if err != nil {
				t.Fatal(err)
			}
			deps := strings.Fields(string(out))
			for _, d := range deps {
				for _, f := range tc.forbidden {
					if d == f {
						t.Errorf("%s depends on %s", tc.pkg, f)
					}
				}
			}
		})
	}
}
