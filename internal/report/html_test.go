package report

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Use go test ./internal/report -run Chromium -screenshot ../../docs/report-html.png
// to refresh the README's picture of the HTML report.
var screenshot = flag.String("screenshot", "", "also copy the Chromium screenshot of the sample HTML report to this file")

func writeHTML(tb testing.TB, r *Report) []byte {
	tb.Helper()
	var buf bytes.Buffer
	require.NoError(tb, WriteHTML(&buf, r))
	return buf.Bytes()
}

func TestWriteHTML_Golden(t *testing.T) {
	golden(t, "report.html.golden", writeHTML(t, sampleReport(t, true)))
}

func TestWriteHTML_Empty(t *testing.T) {
	golden(t, "empty.html.golden", writeHTML(t, &Report{}))
}

func TestWriteHTML_Deterministic(t *testing.T) {
	assert.Equal(t, writeHTML(t, sampleReport(t, true)), writeHTML(t, sampleReport(t, true)))
}

func TestWriteHTML_Escaping(t *testing.T) {
	out := string(writeHTML(t, sampleReport(t, true)))
	assert.Equal(t, 1, strings.Count(out, "<script"), "only the report's own script")
	assert.NotContains(t, out, hostileScript)
	assert.Contains(t, out, "&lt;script&gt;alert(1)&lt;/script&gt; Agro")
	// In an attribute (the chart tooltip is text, the supplier a data value).
	assert.NotContains(t, out, `"<script`)
	// Formula text is shown as it is: HTML is not a spreadsheet.
	assert.Contains(t, out, "=cmd|&#39; /C calc&#39;!A0")
}

func TestWriteHTML_SelfContained(t *testing.T) {
	out := string(writeHTML(t, sampleReport(t, true)))
	// Nothing that makes a browser fetch: no src or href outside the page,
	// no @import or url() in the style sheet.
	ext := regexp.MustCompile(`(?i)(src|href|action)\s*=\s*["']?\s*(https?:|//|data:|javascript:)`)
	assert.Empty(t, ext.FindAllString(out, -1))
	assert.NotRegexp(t, `(?i)@import|url\(`, htmlCSS)
	assert.NotRegexp(t, `(?i)fetch\(|XMLHttpRequest|import\(|\.src\s*=`, htmlJS)
	assert.Contains(t, out, `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`)
}

// The CSP pins the inline style and script by hash; a hash that does not
// match the bytes in the page would block them.
func TestWriteHTML_CSPHashes(t *testing.T) {
	out := string(writeHTML(t, &Report{}))
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(out)
	script := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindStringSubmatch(out)
	require.Len(t, style, 2)
	require.Len(t, script, 2)
	assert.Contains(t, htmlCSP, "style-src '"+cspHash(style[1])+"'")
	assert.Contains(t, htmlCSP, "script-src '"+cspHash(script[1])+"'")
}

func TestHTMLChart(t *testing.T) {
	c := newChart("c", "t", []htmlBar{{Label: "a", Value: 1000}, {Label: "b", Value: 1}, {Label: "c", Value: 0}}, "")
	assert.Equal(t, c.Span, c.Bars[0].W)
	assert.Equal(t, 2, c.Bars[1].W, "a small non-zero value stays visible")
	assert.Equal(t, 0, c.Bars[2].W)
	assert.Equal(t, []int{4, 44, 84}, []int{c.Bars[0].Y, c.Bars[1].Y, c.Bars[2].Y})
	assert.Equal(t, "Retention of identity documents", humanIndicator("retention_of_identity_documents"))
}

func TestWriteHTML_Caps(t *testing.T) {
	r := &Report{}
	for range htmlListLimit + 5 {
		r.RuleErrors = append(r.RuleErrors, RuleError{RuleID: "x", Error: "boom"})
	}
	for i := range htmlSupplierBars + 3 {
		r.Suppliers = append(r.Suppliers, Supplier{Name: string(rune('A' + i)), Findings: i + 1})
	}
	out := string(writeHTML(t, r))
	assert.Contains(t, out, "5 more rule errors are in the XLSX and JSON reports.")
	assert.Contains(t, out, "3 more suppliers with findings are in the XLSX and JSON reports.")
	assert.Equal(t, htmlListLimit, strings.Count(out, `<tr class="row-error"><td class="mono">x</td>`))
}

// findChromium returns Chromium's command, or "" when it is not installed.
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// The page renders in a real browser, its script runs under the page's own
// Content-Security-Policy, and no hostile markup became an element.
func TestWriteHTML_Chromium(t *testing.T) {
	chromium := findChromium()
	if chromium == "" {
		t.Skip("chromium not on PATH")
	}
	if testing.Short() {
		t.Skip("slow: starts Chromium")
	}
	dir := t.TempDir()
	run := func(page string, args ...string) []byte {
		t.Helper()
		args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
			"--no-first-run", "--disable-background-networking", "--disable-component-update",
			"--disable-sync", "--user-data-dir=" + filepath.Join(dir, "profile"),
			"--window-size=1280,2000"}, args...)
		args = append(args, "file://"+page)
		cmd := exec.Command(chromium, args...)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), "chromium %s:\n%s", strings.Join(args, " "), stderr.String())
		return stdout.Bytes()
	}

	hostile := filepath.Join(dir, "hostile.html")
	require.NoError(t, os.WriteFile(hostile, writeHTML(t, sampleReport(t, true)), 0o644))
	dom := string(run(hostile, "--dump-dom"))
	assert.Contains(t, dom, `data-script="ready"`, "the inline script did not run (CSP hash?)")
	assert.Equal(t, 1, strings.Count(dom, "<script"), "a hostile string became a script element")
	assert.Contains(t, dom, "&lt;script&gt;alert(1)&lt;/script&gt; Agro")

	// The screenshot uses the report without hostile strings: it is the
	// picture in the README.
	clean := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(clean, writeHTML(t, sampleReport(t, false)), 0o644))
	png := filepath.Join(dir, "report.png")
	run(clean, "--screenshot="+png, "--hide-scrollbars")
	img, err := os.ReadFile(png)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")), "not a PNG")
	assert.Greater(t, len(img), 50_000, "the screenshot looks blank")
	if *screenshot != "" {
		require.NoError(t, os.MkdirAll(filepath.Dir(*screenshot), 0o755))
		require.NoError(t, os.WriteFile(*screenshot, img, 0o644))
	}
}
