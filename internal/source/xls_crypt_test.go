package source

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// The encrypted workbooks of testdata/encrypted (see its README.md):
// mix.rc4.xls and d1904.rc4.xls are testdata/formats/mix.xls and d1904.xls
// saved by LibreOffice with a password (RC4, [MS-OFFCRYPTO] 2.3.6);
// the msoffcrypto__ files are msoffcrypto-tool's test workbooks, one in
// RC4 CryptoAPI (2.3.5), with its decrypted copy, and one XOR-obfuscated
// (2.3.7), whose decrypted copy (213 kB) is not kept: the SHA-256 of its
// cells, as cellsWith dumps them, stands for it.
var encryptedBooks = []struct {
	file, password, plain, method string
}{
	{"mix.rc4.xls", "laborcheck", "../formats/mix.xls", "RC4 version 1.1"},
	{"d1904.rc4.xls", "Pässwörd 1904", "../formats/d1904.xls", "RC4 version 1.1"},
	{"msoffcrypto__rc4cryptoapi_password.xls", "Password1234_", "msoffcrypto__rc4cryptoapi_password_plain.xls", "RC4 version 4.2"},
	{"msoffcrypto__xor_password_123456789012345.xls", "123456789012345", "sha256:5c85dcdf8cfb5f44b34b04af3692e1928881d14856d07c517c6a5b3b48397172", "XOR obfuscation"},
}

// TestXLSEncrypted checks that an encrypted workbook opened with its
// password reads to the cells of its unencrypted original.
func TestXLSEncrypted(t *testing.T) {
	for _, tc := range encryptedBooks {
		t.Run(tc.file, func(t *testing.T) {
			dir := filepath.Join("testdata", "encrypted")
			got, in := cellsWith(t, filepath.Join(dir, tc.file), Options{Password: tc.password})
			if in.Err != nil {
				t.Fatalf("Err = %v", in.Err)
			}
			if in.Format != FormatXLS || !strings.Contains(strings.Join(in.Notes, "\n"), "encrypted workbook ("+tc.method+"): opened with the given password") {
				t.Errorf("Format %q, notes %q", in.Format, in.Notes)
			}
			if sum, ok := strings.CutPrefix(tc.plain, "sha256:"); ok {
				if n := strings.Count(got, "\n"); n != 10921 || fmt.Sprintf("%x", sha256.Sum256([]byte(got))) != sum {
					t.Errorf("%d lines of cells, SHA-256 %x, want 10921 and %s", n, sha256.Sum256([]byte(got)), sum)
				}
				return
			}
			var want string
			{
				var pin *Input
				want, pin = cellsWith(t, filepath.Join(dir, tc.plain), Options{})
				if pin.Err != nil {
					t.Fatal(pin.Err)
				}
			}
			if strings.Count(want, "\n") < 2 {
				t.Fatalf("the original has no cells:\n%s", want)
			}
			if got != want {
				t.Errorf("cells differ from the original's:\n%s", lineDiff(got, want))
			}
		})
	}
}

// TestXLSEncryptedRefused checks the errors of an encrypted workbook read
// without its password, and that the rest of a batch is read.
func TestXLSEncryptedRefused(t *testing.T) {
	for _, tc := range encryptedBooks {
		path := filepath.Join("testdata", "encrypted", tc.file)
		for _, c := range []struct{ password, reason, hint string }{
			{"", "the .xls workbook is encrypted with a password, and none was given", "give it with -password"},
			{"wrong", "the .xls workbook is encrypted with a password, and the password given does not open it", "check the -password value"},
			{strings.ToUpper(tc.password), "the password given does not open it", "-password"},
		} {
			if c.password == tc.password {
				continue // a password without letters
			}
			g := read(t, path, Options{Schema: defaultOptions().Schema, Password: c.password})
			var fe *FileError
			if !errors.As(g.in.Err, &fe) || !errors.Is(fe, ErrEncrypted) || !strings.Contains(fe.Reason, c.reason) || !strings.Contains(fe.Hint, c.hint) {
				t.Errorf("%s with %q: Err = %#v", tc.file, c.password, g.in.Err)
			} else if strings.Contains(fe.Hint, "save it as .xlsx") {
				t.Errorf("%s: hint %q", tc.file, fe.Hint)
			}
			if g.in.Format != "" || len(g.in.Sheets) != 0 {
				t.Errorf("%s with %q: Format %q, %d sheets", tc.file, c.password, g.in.Format, len(g.in.Sheets))
			}
		}
	}
	// In a batch the encrypted file fails alone.
	dir := t.TempDir()
	for _, name := range []string{"mix.rc4.xls", "../formats/d1904.xls"} {
		data, err := os.ReadFile(filepath.Join("testdata", "encrypted", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(name)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var errs, ok int
	for _, name := range []string{"mix.rc4.xls", "d1904.xls"} {
		g := read(t, filepath.Join(dir, name), defaultOptions())
		if g.in.Err != nil {
			errs++
		} else if len(g.in.Sheets) > 0 {
			ok++
		}
	}
	if errs != 1 || ok != 1 {
		t.Errorf("%d errors, %d read", errs, ok)
	}
}

// TestXLSDefaultPassword checks that a workbook encrypted with the
// password Excel gives a workbook with only a password to modify opens
// without one.
func TestXLSDefaultPassword(t *testing.T) {
	plain := xlsWorkbookStream(t, filepath.Join("testdata", "formats", "d1904.xls"))
	for _, method := range []string{"rc4", "cryptoapi", "xor"} {
		stream := encryptXLS(t, plain, xlsDefaultPassword, method)
		g := readData(t, "d.xls", oleFile(t, map[string][]byte{"Workbook": stream}), defaultOptions())
		if g.in.Err != nil || len(g.in.Sheets) != 1 || g.in.Sheets[0].Rows != 1 || !strings.Contains(strings.Join(g.in.Notes, "\n"), "only a password to modify") {
			t.Errorf("%s: Err %v, notes %q", method, g.in.Err, g.in.Notes)
		}
	}
}

// TestXLSEncryptRoundTrip checks the decryption of every method against
// this file's encryption of a workbook: the same cells, and a FILEPASS
// record laborcheck does not know refused as such.
func TestXLSEncryptRoundTrip(t *testing.T) {
	for _, book := range []string{"formats/d1904.xls", "seed/frictionless__sheet2.xls", "encrypted/msoffcrypto__rc4cryptoapi_password_plain.xls"} {
		roundTrip(t, book, xlsWorkbookStream(t, filepath.Join("testdata", book)))
	}
	plain := xlsWorkbookStream(t, filepath.Join("testdata", "formats", "d1904.xls"))
	// An encryption laborcheck does not know.
	stream := encryptXLS(t, plain, "x", "rc4")
	pos, _ := xlsFilePass(stream)
	stream[pos+6] = 9 // RC4 version 9.1
	g := readData(t, "a.xls", oleFile(t, map[string][]byte{"Workbook": stream}), Options{Schema: defaultOptions().Schema, Password: "x"})
	var fe *FileError
	if !errors.As(g.in.Err, &fe) || !errors.Is(fe, ErrEncrypted) || !strings.Contains(fe.Reason, "a method laborcheck does not open (RC4 version 9.1)") {
		t.Errorf("Err = %#v", g.in.Err)
	}
	// A FILEPASS record cut short is damage.
	stream[pos+6] = 1
	g = readData(t, "a.xls", oleFile(t, map[string][]byte{"Workbook": xlsWithFilePass(stream, stream[pos+4:pos+20])}), Options{Schema: defaultOptions().Schema, Password: "x"})
	if !errors.As(g.in.Err, &fe) || !errors.Is(fe, ErrCorrupt) || !strings.Contains(fe.Reason, "FILEPASS") {
		t.Errorf("Err = %#v", g.in.Err)
	}
}

// roundTrip encrypts the plain workbook stream of name by every method
// with a few passwords and checks that it reads to the same cells.
func roundTrip(t *testing.T, name string, plain []byte) {
	t.Helper()
	want, _ := cellsWith(t, writeFile(t, "plain.xls", oleFile(t, map[string][]byte{"Workbook": plain})), Options{})
	for _, method := range []string{"rc4", "cryptoapi", "xor"} {
		for _, pw := range []string{"x", "ÿ ünïcödé 名前", "123456789012345"} {
			stream := encryptXLS(t, plain, pw, method)
			if bytes.Equal(stream, plain) {
				t.Fatal("not encrypted")
			}
			got, in := cellsWith(t, writeFile(t, "enc.xls", oleFile(t, map[string][]byte{"Workbook": stream})), Options{Password: pw})
			if in.Err != nil {
				t.Errorf("%s: %s %q: %v", name, method, pw, in.Err)
				continue
			}
			if got != want {
				t.Errorf("%s: %s %q: cells differ:\n%s", name, method, pw, lineDiff(got, want))
			}
		}
	}
}

// xlsWithFilePass replaces the FILEPASS record of an encrypted stream
// with one of the given body (the stream after it is not decryptable).
func xlsWithFilePass(stream, body []byte) []byte {
	pos, _ := xlsFilePass(stream)
	_, _, next, _ := biffRecord(stream, pos)
	out := append([]byte{}, stream[:pos]...)
	out = append(out, (&biff{}).rec(biffFilePass, body).b...)
	return append(out, stream[next:]...)
}

// encryptXLS encrypts a plain BIFF8 stream as Excel does, by method:
// "rc4", "cryptoapi" (128-bit) or "xor". The FILEPASS record is inserted
// after the BOF, and the BOUNDSHEET offsets moved past it.
func encryptXLS(t testing.TB, plain []byte, password, method string) []byte {
	t.Helper()
	salt := []byte("0123456789abcdef")
	verifier := []byte("fedcba9876543210")
	var body []byte
	switch method {
	case "rc4":
		body = append(u16(1), append(u16(1), u16(1)...)...)
		body = append(body, salt...)
		body = append(body, make([]byte, 32)...)
	case "cryptoapi":
		header := append(u32(0x24), u32(0)...) // flags, sizeExtra
		header = append(header, u32(0x6801)...)
		header = append(header, u32(0x8004)...)
		header = append(header, u32(128)...)
		header = append(header, u32(1)...)
		header = append(header, make([]byte, 8)...)
		header = append(header, []byte("C\x00S\x00P\x00\x00\x00")...)
		body = append(u16(1), append(u16(4), u16(2)...)...)
		body = append(body, u32(0x24)...)
		body = append(body, u32(len(header))...)
		body = append(body, header...)
		body = append(body, u32(16)...)
		body = append(body, salt...)
		body = append(body, make([]byte, 16)...)
		body = append(body, u32(20)...)
		body = append(body, make([]byte, 20)...)
	case "xor":
		pw, ok := xorPassword(password)
		if !ok {
			t.Fatalf("password %q", password)
		}
		body = append(u16(0), append(u16(int(xorKey(pw))), u16(int(xorVerifier(pw)))...)...)
	}
	c, err := parseFilePass(body)
	if err != nil {
		t.Fatal(err)
	}
	k := &xlsKey{c: c}
	if method == "xor" {
		pw, _ := xorPassword(password)
		k.xorArray = xorArray(pw)
	} else {
		// The verifier and its hash, encrypted with the key of block 0.
		k, _ = c.key(password)
		var sum []byte
		if method == "rc4" {
			s := md5.Sum(verifier)
			sum = s[:]
		} else {
			s := sha1.Sum(verifier)
			sum = s[:]
		}
		r := k.rc4(0)
		r.XORKeyStream(c.verifier, verifier)
		r.XORKeyStream(c.verifierHash, sum)
		if _, ok := c.key(password); !ok {
			t.Fatal("the verifier does not verify")
		}
	}
	// Insert FILEPASS after BOF; BOUNDSHEET offsets move by its length.
	_, _, afterBOF, _ := biffRecord(plain, 0)
	fp := (&biff{}).rec(biffFilePass, body).b
	out := append(append(append([]byte{}, plain[:afterBOF]...), fp...), plain[afterBOF:]...)
	for pos := 0; ; {
		typ, b, next, ok := biffRecord(out, pos)
		if !ok || typ == biffEOF {
			break
		}
		if typ == biffBoundSheet && len(b) >= 4 {
			binary.LittleEndian.PutUint32(b, binary.LittleEndian.Uint32(b)+uint32(len(fp)))
		}
		pos = next
	}
	// Decryption is its own inverse for RC4; XOR obfuscation is undone by
	// rotating back, so encrypt by hand.
	if method != "xor" {
		enc := k.decrypt(out, -1)
		return enc
	}
	enc := bytes.Clone(out)
	for pos := 0; ; {
		typ, b, next, ok := biffRecord(out, pos)
		if !ok {
			break
		}
		from := pos + 4
		switch typ {
		case biffBOF, biffFilePass, biffUsrExcl, biffFileLock, biffInterfaceHdr, biffRRDInfo, biffRRDHead:
			from = next
		case biffBoundSheet:
			from = pos + 8
		}
		for p := from; p < next; p++ {
			v := enc[p]
			enc[p] = (v<<5 | v>>3) ^ k.xorArray[(p+len(b))%16]
		}
		pos = next
	}
	return enc
}

// FuzzXLSDecrypt reads an encrypted workbook stream, in a valid OLE
// container, with a password: the seeds are the encrypted test workbooks
// with theirs, so that mutations after the FILEPASS record reach the
// decrypted records, and mutations of it the FILEPASS reader.
func FuzzXLSDecrypt(f *testing.F) {
	for _, tc := range encryptedBooks {
		f.Add(xlsWorkbookStream(f, filepath.Join("testdata", "encrypted", tc.file)), tc.password)
	}
	plain := xlsWorkbookStream(f, filepath.Join("testdata", "formats", "d1904.xls"))
	for _, method := range []string{"rc4", "cryptoapi", "xor"} {
		f.Add(encryptXLS(f, plain, "pw", method), "pw")
		f.Add(encryptXLS(f, plain, xlsDefaultPassword, method), "")
	}
	schema := defaultOptions().Schema
	f.Fuzz(func(t *testing.T, stream []byte, password string) {
		stream = stream[:min(len(stream), 60000)] // what one FAT sector of oleFile holds
		plain, _, err := decryptXLS(stream, password)
		var ref *xlsRefusal
		switch {
		case err == nil && len(plain) != len(stream):
			t.Fatalf("%d bytes decrypted to %d", len(stream), len(plain))
		case err != nil && !errors.As(err, &ref) && !errors.Is(err, errXLS):
			t.Fatalf("err = %v", err)
		}
		data := oleFile(t, map[string][]byte{"Workbook": stream})
		checkReader(t, "fuzz.xls", schema, func(opts Options, fn func(*contract.Contract, []contract.DataIssue) error) (*Input, error) {
			opts.Password = password
			return readBytes(context.Background(), "fuzz.xls", data, opts, fn)
		})
	})
}
