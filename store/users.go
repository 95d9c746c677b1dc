package store

import (
	"encoding/json"
	"fmt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// Staff accounts hold personal data too: a counselor's full name and
// office phone (the handouts print both for the graduates). Both stores
// keep them sealed with the data key, bound to the account's ID, beside
// what must stay readable without it: the name people sign in with, the
// role, the district and the password's argon2id hash (sign-in opens no
// box, so a wrong password costs no decryption and the key is needed only
// where the name and phone are shown).

// storedUser is an account as a store keeps it: the record with the full
// name and the phone moved into Staff, sealed.
type storedUser struct {
	matcher.User
	Staff []byte `json:"staff,omitempty"`
}

// staffPII is what Staff seals.
type staffPII struct {
	FullName string `json:"f,omitempty"`
	Contact  string `json:"c,omitempty"`
}

func userAAD(id string) []byte { return []byte("user\x00" + id) }

// UserDoc is the document a store keeps of u: its full name and office
// phone sealed when keys is set. A store opened without a key writes them
// in the clear (the next data-key pass seals them) and keeps the sealed
// part of kept, the document it replaces, when u carries neither (u was
// read without the key, which leaves them empty).
func UserDoc(keys *seal.Keyring, u *matcher.User, kept []byte) ([]byte, error) {
	su := storedUser{User: *u}
	switch {
	case keys != nil && (u.FullName != "" || u.Contact != ""):
		plain, err := json.Marshal(staffPII{u.FullName, u.Contact})
		if err != nil {
			return nil, err
		}
		su.Staff, su.FullName, su.Contact = keys.Seal(plain, userAAD(u.ID)), "", ""
	case keys == nil && u.FullName == "" && u.Contact == "" && kept != nil:
		var old storedUser
		if err := json.Unmarshal(kept, &old); err != nil {
			return nil, fmt.Errorf("user %s: %w", u.ID, err)
		}
		su.Staff = old.Staff
	}
	return json.Marshal(su)
}

// OpenUser reads an account's document. Without a key, a sealed full name
// and phone read as empty: the account signs in and is listed all the
// same.
func OpenUser(keys *seal.Keyring, doc []byte) (*matcher.User, error) {
	var su storedUser
	if err := json.Unmarshal(doc, &su); err != nil {
		return nil, err
	}
	if su.Staff != nil && keys != nil {
		plain, err := keys.Open(su.Staff, userAAD(su.ID))
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", su.ID, err)
		}
		var p staffPII
		if err := json.Unmarshal(plain, &p); err != nil {
			return nil, fmt.Errorf("user %s: %w", su.ID, err)
		}
		su.FullName, su.Contact = p.FullName, p.Contact
	}
	return &su.User, nil
}

// UserNeedsSealing reports whether a data-key pass must rewrite an
// account's document: its full name or phone in the clear, or sealed under
// another key than the current one.
func UserNeedsSealing(keys *seal.Keyring, doc []byte) (bool, error) {
	var su storedUser
	if err := json.Unmarshal(doc, &su); err != nil {
		return false, err
	}
	return su.FullName != "" || su.Contact != "" || (su.Staff != nil && !keys.Current(su.Staff)), nil
}
