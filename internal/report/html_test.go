package report

import (
	"bytes"
	"encoding/json"
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
	assert.Equal(t, 1, strings.Count(out, "<script>"), "only the report's own script")
	assert.Equal(t, 5, strings.Count(out, "<script"), "the script and its four data islands")
	assert.Equal(t, 4, strings.Count(out, `<script type="application/json"`))
	assert.NotContains(t, out, hostileScript)
	assert.Contains(t, out, "&lt;script&gt;alert(1)&lt;/script&gt; Agro")
	// In an attribute (the chart tooltip is text, the supplier a data value).
	assert.NotContains(t, out, `"<script`)
	// Formula text is kept as it is (HTML is not a spreadsheet), as a
	// string of the data islands.
	assert.Contains(t, out, `"=cmd|' /C calc'!A0"`)
}

// islands returns the data islands of a page, parsed.
func islands(t *testing.T, page string) map[string]any {
	t.Helper()
	out := map[string]any{}
	re := regexp.MustCompile(`(?s)<script type="application/json" id="([a-z-]+)">(.*?)</script>`)
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		assert.NotContains(t, m[2], "<", "island %s holds a '<'", m[1])
		assert.NotContains(t, m[2], ">", "island %s holds a '>'", m[1])
		var v any
		require.NoError(t, json.Unmarshal([]byte(m[2]), &v), "island %s", m[1])
		out[m[1]] = v
	}
	return out
}

// Roster text that tries to end the data island or open markup stays a
// string inside it.
func TestWriteHTML_IslandsHostile(t *testing.T) {
	r := sampleReport(t, true)
	evil := []string{
		"</script><script>alert(1)</script>",
		"<!--<script>",
		"</SCRIPT >x",
		"a\u2028b c d",
		`"];alert(1);//`,
		"&lt;b&gt; & <img src=x onerror=alert(1)>",
	}
	r.Findings[0].Message = evil[0]
	r.Findings[0].WorkerName = evil[1]
	r.Findings[0].Evidence["passport_held_by"] = Evidence{Value: evil[2], Raw: evil[3]}
	r.Contracts[3].ContractID = evil[4]
	r.Contracts[3].Missing = []string{evil[5]}
	page := string(writeHTML(t, r))
	assert.Equal(t, 1, strings.Count(page, "<script>"))
	is := islands(t, page)
	require.Len(t, is, 4)
	strs := map[string]bool{}
	for _, v := range is["lc-strings"].([]any) {
		strs[v.(string)] = true
	}
	for _, e := range evil {
		assert.True(t, strs[e], "%q is not a string of the page", e)
	}
	findings := is["lc-findings"].([]any)
	assert.Len(t, findings, len(r.Findings))
	contracts := is["lc-contracts"].([]any)
	assert.Len(t, contracts, len(r.Contracts)-r.Summary.ContractsClear, "every contract but the clear ones")
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
	assert.Contains(t, out, "3 more suppliers with findings are in the supplier table below.")
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
	assert.Equal(t, 1, strings.Count(dom, "<script>"), "a hostile string became a script element")
	assert.Equal(t, 5, strings.Count(dom, "<script"), "a hostile string became a script element")
	assert.NotContains(t, dom, "<img")
	// The script rendered the findings and contracts from the islands, as
	// text.
	assert.Contains(t, dom, `id="fv" data-rows="8"`)
	assert.Contains(t, dom, `id="cv" data-rows="6"`)
	fv := dom[strings.Index(dom, `id="fv-table"`):]
	fv = fv[:strings.Index(fv, "</table>")]
	assert.Contains(t, fv, "&lt;script&gt;alert(1)&lt;/script&gt; Agro")
	assert.Contains(t, fv, "USD 450", "the evidence of fee-vs-wage")
	assert.Contains(t, dom, "&lt;script&gt;alert(1)&lt;/script&gt; Agro")

	// A report of a few thousand contracts: the first page of findings is
	// rendered, the rest are counted.
	big := filepath.Join(dir, "big.html")
	require.NoError(t, os.WriteFile(big, writeHTML(t, bigReport(20000)), 0o644))
	dom = string(run(big, "--dump-dom"))
	assert.Contains(t, dom, `id="fv" data-rows="50"`)
	assert.Contains(t, dom, `id="cv" data-rows="50"`)
	assert.Regexp(t, `1–50 of 1[0-9],[0-9]{3} findings · page 1 of `, dom)
	assert.Contains(t, dom, "passport-held")

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
