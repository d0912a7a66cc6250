package web_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestOpenAPICoversRoutes: every route of the issuer API, the verify API
// and the W3C VC API is in the OpenAPI document, with its method.
func TestOpenAPICoversRoutes(t *testing.T) {
	vcAPISite(t)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	b, err := os.ReadFile("openapi.json")
	if err != nil || json.Unmarshal(b, &doc) != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	param := regexp.MustCompile(`:(\w+)`)
	e := lastHandler.(*echo.Echo)
	n := 0
	for _, r := range e.Routes() {
		if strings.Contains(r.Name, "methodNotAllowed") || r.Method == echo.RouteNotFound {
			continue // the 405 answers of a path's other methods
		}
		var path string
		switch {
		case strings.HasPrefix(r.Path, "/api/v1/") && r.Path != "/api/v1/openapi.json":
			path = strings.TrimPrefix(r.Path, "/api/v1")
		case strings.HasPrefix(r.Path, "/credentials/issue"), strings.HasPrefix(r.Path, "/credentials/verify"), strings.HasPrefix(r.Path, "/presentations/"):
			path = r.Path
		default:
			continue
		}
		path = param.ReplaceAllString(path, "{$1}")
		if _, ok := doc.Paths[path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is not in openapi.json", r.Method, path)
		}
		n++
	}
	if n < 10 {
		t.Errorf("only %d API routes found", n)
	}
}
