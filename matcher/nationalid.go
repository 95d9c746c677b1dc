package matcher

// nationalIDWeights are GB 11643-1999's weights for the 17 body digits.
var nationalIDWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const nationalIDCheck = "10X98765432"

// NationalIDCheckDigit returns the GB 11643 check character for the first 17
// digits of a citizen ID number, or 0 when body is not 17 ASCII digits.
func NationalIDCheckDigit(body string) byte {
	if len(body) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := body[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * nationalIDWeights[i]
	}
	return nationalIDCheck[sum%11]
}

// ValidNationalID reports whether id is an 18-character citizen ID number
// with a correct check character (upper-case X).
func ValidNationalID(id string) bool {
	return len(id) == 18 && NationalIDCheckDigit(id[:17]) == id[17] && id[17] != 0
}
