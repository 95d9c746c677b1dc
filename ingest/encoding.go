package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names returned by DecodeText.
const (
	EncUTF8    = "utf-8"
	EncUTF8BOM = "utf-8-bom"
	EncUTF16LE = "utf-16le"
	EncUTF16BE = "utf-16be"
	EncGB18030 = "gb18030"
)

// ErrEncoding is wrapped by every refusal of DecodeText.
var ErrEncoding = errors.New("无法识别文件编码（不是 UTF-8 也不是 GBK/GB18030），请另存为 UTF-8 后重试: not valid UTF-8 or GBK")

// DecodeText returns b as UTF-8 and the encoding it was read as. It accepts
// UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark, and
// GBK/GB18030 — the latter only when every byte sequence decodes and the
// result reads like Chinese or ASCII text. Anything else is refused rather
// than guessed at: a file decoded with the wrong table turns into mojibake
// that passes every later check and poisons the store.
func DecodeText(b []byte) ([]byte, string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		out := b[3:]
		if !utf8.Valid(out) {
			return nil, "", fmt.Errorf("文件以 UTF-8 BOM 开头但含有无效的 UTF-8 字节（第 %d 行）: %w", lineOfInvalid(out), ErrEncoding)
		}
		return out, EncUTF8BOM, nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}) || bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		// UTF-32 is never what a portal exports; refuse it by name rather
		// than let the UTF-16 branch below misread it.
		return nil, "", fmt.Errorf("文件是 UTF-32 编码，不支持: %w", ErrEncoding)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decodeUTF16(b, xunicode.LittleEndian, EncUTF16LE)
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeUTF16(b, xunicode.BigEndian, EncUTF16BE)
	}
	if utf8.Valid(b) {
		return b, EncUTF8, nil
	}
	out, err := decodeGB18030(b)
	if err != nil {
		return nil, "", err
	}
	return out, EncGB18030, nil
}

func decodeUTF16(b []byte, order xunicode.Endianness, name string) ([]byte, string, error) {
	if len(b)%2 != 0 {
		return nil, "", fmt.Errorf("UTF-16 文件长度为奇数，文件不完整: %w", ErrEncoding)
	}
	dec := xunicode.UTF16(order, xunicode.ExpectBOM).NewDecoder()
	out, _, err := transform.Bytes(dec, b)
	if err != nil {
		return nil, "", fmt.Errorf("UTF-16 解码失败: %v: %w", err, ErrEncoding)
	}
	// The decoder substitutes U+FFFD for unpaired surrogates; refuse instead.
	if bytes.ContainsRune(out, utf8.RuneError) {
		return nil, "", fmt.Errorf("UTF-16 文件含有无效字符（第 %d 行）: %w", lineOfRune(out, utf8.RuneError), ErrEncoding)
	}
	if !utf8.Valid(out) {
		return nil, "", fmt.Errorf("UTF-16 解码结果无效: %w", ErrEncoding)
	}
	return out, name, nil
}

// decodeGB18030 decodes b strictly: the x/text decoder replaces undecodable
// bytes with U+FFFD, so any U+FFFD in the output (which b, not being UTF-8,
// cannot have contained as text) means the bytes were not GB18030.
func decodeGB18030(b []byte) ([]byte, error) {
	out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), b)
	if err != nil {
		return nil, fmt.Errorf("GBK 解码失败: %v: %w", err, ErrEncoding)
	}
	if i := bytes.IndexRune(out, utf8.RuneError); i >= 0 {
		return nil, fmt.Errorf("第 %d 行有既不是 UTF-8 也不是 GBK 的字节: %w", 1+bytes.Count(out[:i], []byte{'\n'}), ErrEncoding)
	}
	if !utf8.Valid(out) {
		return nil, fmt.Errorf("GBK 解码结果无效: %w", ErrEncoding)
	}
	if !plausibleChinese(out) {
		return nil, fmt.Errorf("按 GBK 解码后不像中文文本（可能是其他编码或二进制文件）: %w", ErrEncoding)
	}
	return out, nil
}

// plausibleChinese reports whether decoded text looks like what a Chinese
// export holds: ASCII, common CJK ideographs and CJK/full-width punctuation,
// with no control characters. Random or Latin-1 bytes decoded as GB18030
// land in rare blocks (4-byte sequences, extension planes, private use) or
// produce control characters, so a small tolerance separates the two.
func plausibleChinese(s []byte) bool {
	var total, odd int
	for _, r := range string(s) {
		total++
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || r == 0x7F:
			return false
		case r < 0x80:
		case r >= 0x4E00 && r <= 0x9FFF: // CJK unified ideographs (all of GBK's hanzi)
		case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFFEF: // CJK and full-width punctuation
		case r >= 0x2000 && r <= 0x206F, r >= 0x2100 && r <= 0x27BF: // general punctuation, letterlike, arrows, symbols
		case r >= 0x0391 && r <= 0x03C9, r >= 0x0410 && r <= 0x044F: // Greek and Cyrillic (in GBK)
		case r >= 0x3040 && r <= 0x30FF, r >= 0x3100 && r <= 0x312F: // kana, bopomofo (in GBK)
		case r == 0xB7 || r == 0xD7 || r == 0xF7 || r == 0xB0 || r == 0xA7 || r == 0xA4 || r == 0xA8 || r == 0xB1:
		case r >= 0xE000 && r <= 0xF8FF: // private use: GBK's user-defined area; real text rarely has it
			odd++
		case unicode.Is(unicode.Han, r):
			odd++ // extension blocks: legal but rare
		default:
			odd++
		}
	}
	if total == 0 {
		return true
	}
	return odd*100 <= total*2 // at most 2% unusual characters
}

func lineOfInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return 1 + bytes.Count(b[:i], []byte{'\n'})
		}
		i += n
	}
	return 0
}

func lineOfRune(b []byte, r rune) int {
	i := bytes.IndexRune(b, r)
	if i < 0 {
		return 0
	}
	return 1 + bytes.Count(b[:i], []byte{'\n'})
}
