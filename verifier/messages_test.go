package verifier

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// reasonsInCode are the reason codes the package's code names: the string
// literals that look like "check.reason" passed to any call.
func reasonsInCode(t *testing.T) map[string]string {
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("../credential/vcdm/*.go")
	files = append(files, more...)
	more, _ = filepath.Glob("../vcapi/*.go")
	files = append(files, more...)
	fset := token.NewFileSet()
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || filepath.Base(f) == "messages.go" {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			check, rest, ok := strings.Cut(s, ".")
			if ok && rest != "" && !strings.ContainsAny(s, " /:{") && strings.ToLower(s) == s && (Messages[s] != "" || knownCheck(check)) {
				out[s] = fset.Position(lit.Pos()).String()
			}
			return true
		})
	}
	return out
}

func knownCheck(id string) bool {
	for _, c := range []string{CheckFormat, CheckIntegrity, CheckMerkle, CheckAnchor, CheckIssuer, CheckSignature, CheckKeyValidity,
		CheckRevocation, CheckValidityPeriod, CheckPDFSignature, "step"} {
		if c == id {
			return true
		}
	}
	return false
}

// TestCatalogue: every reason the code gives has a message, and every
// message is of a reason the code gives.
func TestCatalogue(t *testing.T) {
	used := reasonsInCode(t)
	for r, at := range used {
		if Messages[r] == "" {
			t.Errorf("%s: reason %q has no message", at, r)
		}
	}
	for r := range Messages {
		if _, ok := used[r]; !ok {
			t.Errorf("message of reason %q, which no code gives", r)
		}
	}
	if len(used) < 80 {
		t.Errorf("found only %d reasons in the code", len(used))
	}
}

func TestRender(t *testing.T) {
	if got := Render("integrity.hash_mismatch", map[string]string{"hash": "ab…cd", "signed": "ef…01"}); got != "the credential was changed after it was issued: its hash ab…cd is not the signed hash ef…01" {
		t.Errorf("rendered %q", got)
	}
	if got := Render("merkle.ok", map[string]string{"root": "ab"}); got != "the credential belongs to the batch whose Merkle root is ab (path of {steps} step(s))" {
		t.Errorf("a missing parameter: %q", got)
	}
	if got := Render("no.such_reason", nil); got != "no.such_reason" {
		t.Errorf("unknown reason rendered %q", got)
	}
}

// TestCatalogues: every reason has a message in each language, with the
// same {name} places, and each renders with every place filled.
func TestCatalogues(t *testing.T) {
	places := func(msg string) map[string]bool {
		out := map[string]bool{}
		for {
			i := strings.IndexByte(msg, '{')
			j := strings.IndexByte(msg[max(i, 0):], '}')
			if i < 0 || j < 0 {
				return out
			}
			out[msg[i+1:i+j]] = true
			msg = msg[i+j+1:]
		}
	}
	for lang, cat := range map[string]map[string]string{"en": Messages, "zh-Hant": MessagesZH} {
		for r, en := range Messages {
			msg, ok := cat[r]
			if !ok {
				t.Errorf("%s: reason %q has no message", lang, r)
				continue
			}
			want, got := places(en), places(msg)
			if len(want) != len(got) {
				t.Errorf("%s: %q has places %v, English %v", lang, r, got, want)
			}
			params := map[string]string{}
			for p := range want {
				if !got[p] {
					t.Errorf("%s: %q lacks the place {%s}", lang, r, p)
				}
				params[p] = "X"
			}
			if out := (Check{Reason: r, Params: params}).Render(cat); strings.Contains(out, "{") && r != "format.invalid" {
				t.Errorf("%s: %q renders with a place left: %s", lang, r, out)
			}
		}
		for r := range cat {
			if _, ok := Messages[r]; !ok {
				t.Errorf("%s: message of reason %q, which English has not", lang, r)
			}
		}
	}
}
