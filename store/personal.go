package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// Personal is the part of a graduate that both stores keep only sealed
// (store/seal): name, national ID, phone, hardship categories and birth
// date. The birth date is among them because with the hukou district and
// the gender it is most of a national ID (the region code, eight of the
// eighteen digits and the parity of the seventeenth).
type Personal struct {
	Name       string             `json:"n,omitempty"`
	NationalID string             `json:"i,omitempty"`
	Phone      string             `json:"p,omitempty"`
	Hardship   []matcher.Hardship `json:"h,omitempty"`
	BirthDate  time.Time          `json:"b,omitzero"`
}

// SealedGraduate is a graduate as a store keeps it: the record without
// personal data (Doc, JSON, UpdatedAt zeroed), the personal data sealed
// and bound to the graduate's ID (Box), a keyed hash of the ID and the
// personal data that detects a change without opening the box (MAC), and
// the keyed hash of the national ID for look-ups (NID; nil without one).
type SealedGraduate struct {
	ID       string
	Doc      []byte
	Box, MAC []byte
	NID      []byte
}

// SealGraduate splits g into what a store writes. g must have passed
// PrepareGraduate.
func SealGraduate(keys *seal.Keyring, g matcher.Graduate) (SealedGraduate, error) {
	if keys == nil {
		return SealedGraduate{}, ErrNoDataKey
	}
	p := Personal{g.Name, g.NationalID, g.Phone, g.Hardship, g.BirthDate}
	plain, err := json.Marshal(p)
	if err != nil {
		return SealedGraduate{}, err
	}
	sg := SealedGraduate{ID: g.ID, Box: keys.Seal(plain, []byte(g.ID)), MAC: keys.MAC("pii", append([]byte(g.ID+"\x00"), plain...))}
	if g.NationalID != "" {
		sg.NID = NationalIDHash(keys, g.NationalID)
	}
	g.Name, g.NationalID, g.Phone, g.Hardship, g.BirthDate, g.UpdatedAt = "", "", "", nil, time.Time{}, time.Time{}
	if sg.Doc, err = json.Marshal(&g); err != nil {
		return SealedGraduate{}, fmt.Errorf("graduate %s: %w", g.ID, err)
	}
	return sg, nil
}

// NationalIDHash is the keyed hash under which a national ID is looked up.
func NationalIDHash(keys *seal.Keyring, nid string) []byte { return keys.MAC("nid", []byte(nid)) }

// OpenGraduate rebuilds a graduate from its document and sealed personal
// data. A document written before the birth date was sealed keeps its own.
func OpenGraduate(keys *seal.Keyring, id string, doc, box []byte) (*matcher.Graduate, error) {
	if keys == nil {
		return nil, ErrNoDataKey
	}
	var g matcher.Graduate
	if err := UnmarshalGraduate(doc, &g); err != nil {
		return nil, fmt.Errorf("graduate %s: %w", id, err)
	}
	if err := OpenPersonal(keys, id, &g, box); err != nil {
		return nil, err
	}
	return &g, nil
}

// OpenPersonal opens a graduate's sealed personal data into g, the
// graduate's decoded document (OpenGraduate's second half, for a store
// that decodes the document itself).
func OpenPersonal(keys *seal.Keyring, id string, g *matcher.Graduate, box []byte) error {
	if keys == nil {
		return ErrNoDataKey
	}
	plain, err := keys.Open(box, []byte(id))
	if err != nil {
		return fmt.Errorf("graduate %s: %w", id, err)
	}
	var p Personal
	if err := unmarshalPersonal(plain, &p); err != nil {
		return fmt.Errorf("graduate %s: personal data: %w", id, err)
	}
	g.Name, g.NationalID, g.Phone, g.Hardship = p.Name, p.NationalID, p.Phone, p.Hardship
	if !p.BirthDate.IsZero() {
		g.BirthDate = p.BirthDate
	}
	return nil
}

// ErrNoDataKey is what a store opened without a data key answers when
// asked for personal data.
var ErrNoDataKey = matcher.Errorf(matcher.EUNAVAILABLE, "未提供数据密钥：个人信息加密存储，无密钥不能读写", "no data key: personal data is stored encrypted and cannot be read or written without it")
