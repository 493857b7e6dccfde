package source

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// An encrypted Excel 97-2003 workbook has a FILEPASS record after the BOF
// of its globals ([MS-XLS] 2.4.117). What follows is encrypted record by
// record: the headers (type and size) stay clear, and so do the bodies of
// the records a reader needs before it has the key, while the other bodies
// are encrypted with a key stream that runs over the stream position, as
// if every byte were encrypted ([MS-XLS] 2.2.10). Three methods exist:
//
//   - XOR obfuscation ([MS-OFFCRYPTO] 2.3.7), from Excel 95 and kept by
//     Excel 97 for old files;
//   - RC4 with an MD5 key ([MS-OFFCRYPTO] 2.3.6, version 1.1), the
//     "Office 97/2000 compatible" encryption Excel 97-2003 and LibreOffice
//     write;
//   - RC4 CryptoAPI ([MS-OFFCRYPTO] 2.3.5, versions 2-4.2), with a SHA-1
//     key, which Excel 2002 and 2003 write.
//
// The whole stream is decrypted into a copy before the globals are read,
// so that the record reader stays the one for plain workbooks and every
// offset (BOUNDSHEET's lbPlyPos, a formula's STRING record) stays right.

// Records of an encrypted stream whose bodies are not encrypted.
const (
	biffInterfaceHdr = 0x00E1
	biffRRDHead      = 0x0138
	biffUsrExcl      = 0x0194
	biffFileLock     = 0x0195
	biffRRDInfo      = 0x0196
)

// xlsDefaultPassword is the password Excel encrypts a workbook with when
// it has only a password to modify: Excel opens such a file without
// asking, and so does laborcheck.
const xlsDefaultPassword = "VelvetSweatshop"

// xlsCipher is how a workbook is encrypted, as its FILEPASS record says.
type xlsCipher struct {
	method  int // xlsXOR, xlsRC4 or xlsCryptoAPI
	version string

	// RC4 and RC4 CryptoAPI
	salt         []byte
	verifier     []byte // encrypted
	verifierHash []byte // encrypted
	keyBytes     int    // CryptoAPI: the key length, 5 (40 bits) to 16

	// XOR obfuscation
	xorVerifier uint16
}

const (
	xlsXOR = iota + 1
	xlsRC4
	xlsCryptoAPI
)

// xlsKey decrypts the bodies of an encrypted stream's records.
type xlsKey struct {
	c        *xlsCipher
	password []uint16 // RC4: the password's UTF-16 code units
	xorArray [16]byte // XOR obfuscation
}

// parseFilePass reads a FILEPASS record body. An encryption laborcheck
// does not know is an *xlsRefusal; a body too short for what it declares
// is an error.
func parseFilePass(body []byte) (*xlsCipher, error) {
	unknown := func(what string) error {
		return &xlsRefusal{kind: ErrEncrypted,
			reason: fmt.Sprintf("the .xls workbook is encrypted with a method laborcheck does not open (%s)", what),
			hint:   "open it in Excel or LibreOffice with the password and save it as .xlsx; scan that, with -password if it keeps one"}
	}
	short := fmt.Errorf("%w: its encryption record (FILEPASS) is cut short", errXLS)
	if len(body) < 2 {
		return nil, short
	}
	switch typ := binary.LittleEndian.Uint16(body); typ {
	case 0x0000:
		// XorObfuscation: key, verificationBytes.
		if len(body) < 6 {
			return nil, short
		}
		return &xlsCipher{method: xlsXOR, version: "XOR obfuscation", xorVerifier: binary.LittleEndian.Uint16(body[4:])}, nil
	case 0x0001:
	default:
		return nil, unknown(fmt.Sprintf("encryption type %d", typ))
	}
	if len(body) < 6 {
		return nil, short
	}
	major, minor := binary.LittleEndian.Uint16(body[2:]), binary.LittleEndian.Uint16(body[4:])
	version := fmt.Sprintf("RC4 version %d.%d", major, minor)
	rest := body[6:]
	switch {
	case major == 1 && minor == 1:
		// Salt, EncryptedVerifier, EncryptedVerifierHash: 16 bytes each.
		if len(rest) < 48 {
			return nil, short
		}
		return &xlsCipher{method: xlsRC4, version: version, salt: rest[:16], verifier: rest[16:32], verifierHash: rest[32:48]}, nil
	case major >= 2 && major <= 4 && minor == 2:
	default:
		return nil, unknown(version)
	}
	// Flags, EncryptionHeaderSize, EncryptionHeader, EncryptionVerifier.
	if len(rest) < 8 {
		return nil, short
	}
	size := binary.LittleEndian.Uint32(rest[4:])
	if size < 32 || uint64(size) > uint64(len(rest)-8) {
		return nil, short
	}
	header, ver := rest[8:8+size], rest[8+size:]
	alg, algHash, keyBits := binary.LittleEndian.Uint32(header[8:]), binary.LittleEndian.Uint32(header[12:]), binary.LittleEndian.Uint32(header[16:])
	if (alg != 0 && alg != 0x6801) || (algHash != 0 && algHash != 0x8004) {
		return nil, unknown(fmt.Sprintf("CryptoAPI algorithm %#x with hash %#x", alg, algHash))
	}
	if keyBits == 0 {
		keyBits = 40 // [MS-OFFCRYPTO] 2.3.2: 0 means 40 bits
	}
	if keyBits < 40 || keyBits > 128 || keyBits%8 != 0 {
		return nil, unknown(fmt.Sprintf("an RC4 key of %d bits", keyBits))
	}
	// SaltSize, Salt, EncryptedVerifier, VerifierHashSize, EncryptedVerifierHash.
	if len(ver) < 4 || binary.LittleEndian.Uint32(ver) != 16 || len(ver) < 4+16+16+4+20 {
		return nil, short
	}
	if binary.LittleEndian.Uint32(ver[36:]) != 20 {
		return nil, unknown("a verifier hash that is not SHA-1")
	}
	return &xlsCipher{method: xlsCryptoAPI, version: version, salt: ver[4:20], verifier: ver[20:36], verifierHash: ver[40:60], keyBytes: int(keyBits / 8)}, nil
}

// key checks password against the verifier the workbook stores and
// returns the key that decrypts it; ok is false for a wrong password.
func (c *xlsCipher) key(password string) (k *xlsKey, ok bool) {
	k = &xlsKey{c: c}
	if c.method == xlsXOR {
		pw, ok := xorPassword(password)
		if !ok || xorVerifier(pw) != c.xorVerifier {
			return nil, false
		}
		k.xorArray = xorArray(pw)
		return k, true
	}
	k.password = utf16.Encode([]rune(password))
	r := k.rc4(0)
	v := make([]byte, len(c.verifier))
	r.XORKeyStream(v, c.verifier)
	h := make([]byte, len(c.verifierHash))
	r.XORKeyStream(h, c.verifierHash)
	var sum []byte
	if c.method == xlsRC4 {
		s := md5.Sum(v)
		sum = s[:]
	} else {
		s := sha1.Sum(v)
		sum = s[:]
	}
	return k, bytes.Equal(sum, h)
}

// rc4 returns the RC4 cipher of one 1024-byte block of the stream.
func (k *xlsKey) rc4(block uint32) *rc4.Cipher {
	pw := make([]byte, 2*len(k.password))
	for i, u := range k.password {
		binary.LittleEndian.PutUint16(pw[2*i:], u)
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], block)
	var key []byte
	if k.c.method == xlsRC4 {
		// [MS-OFFCRYPTO] 2.3.6.2: MD5 of the password, its first 5 bytes
		// and the salt 16 times over, MD5 again, then the block number.
		h0 := md5.Sum(pw)
		buf := make([]byte, 0, 16*21)
		for range 16 {
			buf = append(buf, h0[:5]...)
			buf = append(buf, k.c.salt...)
		}
		h1 := md5.Sum(buf)
		h := md5.Sum(append(h1[:5:5], b[:]...))
		key = h[:]
	} else {
		// [MS-OFFCRYPTO] 2.3.5.2: SHA-1 of salt and password, then of that
		// and the block number; a 40-bit key is padded to 128 bits.
		h0 := sha1.Sum(append(bytes.Clone(k.c.salt), pw...))
		h := sha1.Sum(append(h0[:], b[:]...))
		key = h[:k.c.keyBytes]
		if k.c.keyBytes == 5 {
			key = append(key[:5:5], make([]byte, 11)...)
		}
	}
	r, err := rc4.NewCipher(key)
	if err != nil {
		panic(err) // the key is 5 to 16 bytes: unreachable
	}
	return r
}

// decrypt returns a copy of the stream data with every encrypted record
// body decrypted. The FILEPASS record keeps its place and size, its type
// and body cleared, so that the copy reads as a workbook never encrypted.
func (k *xlsKey) decrypt(data []byte, filePass int) []byte {
	out := bytes.Clone(data)
	ks := &rc4Stream{k: k}
	for pos := 0; ; {
		typ, body, next, ok := biffRecord(data, pos)
		if !ok {
			return out // a record cut short: the reader reports it
		}
		from := pos + 4
		switch typ {
		case biffBOF, biffUsrExcl, biffFileLock, biffInterfaceHdr, biffRRDInfo, biffRRDHead:
			from = next
		case biffFilePass:
			if pos == filePass {
				clear(out[pos : pos+2])
				clear(out[pos+4 : next])
			}
			from = next
		case biffBoundSheet:
			from = min(pos+8, next) // lbPlyPos stays clear
		}
		if from < next {
			if k.c.method == xlsXOR {
				k.unXOR(out[from:next], from, len(body))
			} else {
				ks.xor(out[from:next], from)
			}
		}
		pos = next
	}
}

// unXOR undoes XOR obfuscation ([MS-OFFCRYPTO] 2.3.7.6) of the bytes b at
// stream offset pos, in a record whose body is size bytes: the array is
// indexed by the offset plus the body's size.
func (k *xlsKey) unXOR(b []byte, pos, size int) {
	for i := range b {
		v := b[i] ^ k.xorArray[(pos+i+size)%16]
		b[i] = v>>5 | v<<3
	}
}

// rc4Stream is the key stream of an RC4-encrypted workbook stream: a new
// key every 1024 bytes, counted from the start of the stream, headers and
// clear records included.
type rc4Stream struct {
	k     *xlsKey
	r     *rc4.Cipher
	block int
	off   int // the stream offset the cipher has reached
}

// xor decrypts b, which starts at stream offset pos; pos only grows from
// one call to the next.
func (s *rc4Stream) xor(b []byte, pos int) {
	var skip [1024]byte
	for len(b) > 0 {
		block := pos / 1024
		if s.r == nil || block != s.block {
			s.r, s.block, s.off = s.k.rc4(uint32(block)), block, block*1024
		}
		if gap := pos - s.off; gap > 0 {
			s.r.XORKeyStream(skip[:gap], skip[:gap])
			s.off = pos
		}
		n := min(len(b), (block+1)*1024-pos)
		s.r.XORKeyStream(b[:n], b[:n])
		b, pos, s.off = b[n:], pos+n, pos+n
	}
}

// xorPassword is the password as XOR obfuscation takes it: a byte a
// character (the low byte, or the high one when the low is 0), at most 15.
func xorPassword(password string) ([]byte, bool) {
	u := utf16.Encode([]rune(password))
	if len(u) == 0 || len(u) > 15 {
		return nil, false
	}
	pw := make([]byte, len(u))
	for i, c := range u {
		pw[i] = byte(c)
		if pw[i] == 0 {
			pw[i] = byte(c >> 8)
		}
	}
	return pw, true
}

// xorVerifier is CreatePasswordVerifier_Method1 ([MS-OFFCRYPTO] 2.3.7.1).
func xorVerifier(pw []byte) uint16 {
	var v uint16
	for i := len(pw) - 1; i >= -1; i-- {
		c := uint16(len(pw)) // last, after the characters from the last
		if i >= 0 {
			c = uint16(pw[i])
		}
		v = ((v>>14)&1 | (v<<1)&0x7FFF) ^ c
	}
	return v ^ 0xCE4B
}

var (
	xorPad     = [15]byte{0xBB, 0xFF, 0xFF, 0xBA, 0xFF, 0xFF, 0xB9, 0x80, 0x00, 0xBE, 0x0F, 0x00, 0xBF, 0x0F, 0x00}
	xorInitial = [15]uint16{0xE1F0, 0x1D0F, 0xCC9C, 0x84C0, 0x110C, 0x0E10, 0xF1CE, 0x313E, 0x1872, 0xE139, 0xD40F, 0x84F9, 0x280C, 0xA96A, 0x4EC3}
	xorMatrix  = [105]uint16{
		0xAEFC, 0x4DD9, 0x9BB2, 0x2745, 0x4E8A, 0x9D14, 0x2A09,
		0x7B61, 0xF6C2, 0xFDA5, 0xEB6B, 0xC6F7, 0x9DCF, 0x2BBF,
		0x4563, 0x8AC6, 0x05AD, 0x0B5A, 0x16B4, 0x2D68, 0x5AD0,
		0x0375, 0x06EA, 0x0DD4, 0x1BA8, 0x3750, 0x6EA0, 0xDD40,
		0xD849, 0xA0B3, 0x5147, 0xA28E, 0x553D, 0xAA7A, 0x44D5,
		0x6F45, 0xDE8A, 0xAD35, 0x4A4B, 0x9496, 0x390D, 0x721A,
		0xEB23, 0xC667, 0x9CEF, 0x29FF, 0x53FE, 0xA7FC, 0x5FD9,
		0x47D3, 0x8FA6, 0x0F6D, 0x1EDA, 0x3DB4, 0x7B68, 0xF6D0,
		0xB861, 0x60E3, 0xC1C6, 0x93AD, 0x377B, 0x6EF6, 0xDDEC,
		0x45A0, 0x8B40, 0x06A1, 0x0D42, 0x1A84, 0x3508, 0x6A10,
		0xAA51, 0x4483, 0x8906, 0x022D, 0x045A, 0x08B4, 0x1168,
		0x76B4, 0xED68, 0xCAF1, 0x85C3, 0x1BA7, 0x374E, 0x6E9C,
		0x3730, 0x6E60, 0xDCC0, 0xA9A1, 0x4363, 0x86C6, 0x1DAD,
		0x3331, 0x6662, 0xCCC4, 0x89A9, 0x0373, 0x06E6, 0x0DCC,
		0x1021, 0x2042, 0x4084, 0x8108, 0x1231, 0x2462, 0x48C4,
	}
)

// xorKey is CreateXorKey_Method1 ([MS-OFFCRYPTO] 2.3.7.2).
func xorKey(pw []byte) uint16 {
	key := xorInitial[len(pw)-1]
	m := 0x68
	for i := len(pw) - 1; i >= 0; i-- {
		c := pw[i]
		for range 7 {
			if c&0x40 != 0 {
				key ^= xorMatrix[m]
			}
			c <<= 1
			m--
		}
	}
	return key
}

// xorArray is CreateXorArray_Method1 ([MS-OFFCRYPTO] 2.3.7.3): the
// password and then the pad, each byte XORed with a byte of the key
// (the high one at odd positions) and rotated right by one bit.
func xorArray(pw []byte) [16]byte {
	key := xorKey(pw)
	hi, lo := byte(key>>8), byte(key)
	ror := func(a, b byte) byte { v := a ^ b; return v>>1 | v<<7 }
	var a [16]byte
	i := len(pw)
	if i%2 == 1 {
		a[i] = ror(xorPad[0], hi)
		i--
		a[i] = ror(pw[len(pw)-1], lo)
	}
	for i > 0 {
		i--
		a[i] = ror(pw[i], hi)
		i--
		a[i] = ror(pw[i], lo)
	}
	i, p := 15, 15-len(pw)
	for p > 0 {
		a[i] = ror(xorPad[p], hi)
		i, p = i-1, p-1
		a[i] = ror(xorPad[p], lo)
		i, p = i-1, p-1
	}
	return a
}

// xlsFilePass finds the FILEPASS record of the workbook globals: its
// offset and body, or -1 when the workbook is not encrypted. The record
// headers of an encrypted stream are clear, so the globals can be walked
// before the key is known.
func xlsFilePass(data []byte) (int, []byte) {
	for pos := 0; ; {
		typ, body, next, ok := biffRecord(data, pos)
		switch {
		case !ok || typ == biffEOF:
			return -1, nil
		case typ == biffFilePass:
			return pos, body
		}
		pos = next
	}
}

// decryptXLS decrypts an encrypted workbook stream with password, or with
// the password Excel uses for a workbook that only has a password to
// modify when none is given. A stream that is not encrypted is returned
// as it is. how says how an encrypted one was opened, for the input's
// notes; a wrong or missing password is an *xlsRefusal.
func decryptXLS(data []byte, password string) (plain []byte, how string, err error) {
	pos, body := xlsFilePass(data)
	if pos < 0 {
		return data, "", nil
	}
	c, err := parseFilePass(body)
	if err != nil {
		return nil, "", err
	}
	if k, ok := c.key(xlsDefaultPassword); ok {
		return k.decrypt(data, pos), "encrypted workbook (" + c.version + ") with only a password to modify: opened without a password, as Excel opens it", nil
	}
	if password == "" {
		return nil, "", &xlsRefusal{kind: ErrEncrypted,
			reason: "the .xls workbook is encrypted with a password, and none was given",
			hint:   "give it with -password"}
	}
	k, ok := c.key(password)
	if !ok {
		return nil, "", &xlsRefusal{kind: ErrEncrypted,
			reason: "the .xls workbook is encrypted with a password, and the password given does not open it",
			hint:   "check the -password value"}
	}
	return k.decrypt(data, pos), "encrypted workbook (" + c.version + "): opened with the given password", nil
}
