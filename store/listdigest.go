package store

import (
	"bytes"
	"encoding/binary"

	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// The nightly batch compares each new list with the graduate's list in
// the previous published run, and all but a few are unchanged. Reading
// every previous list for that (about 300 MB of sealed boxes on the
// generated set, each opened and parsed) was most of what the run on
// PostgreSQL spent beyond the embedded run. So each list is stored with a
// digest of its default list's posts in rank order (the posts ListPosts
// reads), and the diff opens a previous list only when the digests differ.
//
// The digest is keyed (HMAC-SHA-256 under the data key's MAC key, label
// listDigestLabel) and covers the graduate's ID: a plain hash of a list's
// post IDs would let anyone reading a dump hash candidate lists (the
// posts are public, a list is 8 of them, and a 公益性岗位 in one says the
// graduate is in hardship) and test which posts a graduate was
// recommended; without the key the digest tells nothing, and two
// graduates with the same list have different digests. What it does tell
// someone who can read the table is whether a graduate's list changed
// from one run to the next (equal digests), which the runs' reports count
// anyway.
//
// A digest begins with the sealing key's prefix (seal.Keyring.Prefix: the
// box version and the key ID): after a data-key rotation a digest made
// under the previous key is not comparable with new ones, and readers
// treat it as absent (ListDigestCurrent) and read the list instead, so a
// rotation can make the next diff slower but never makes a list look
// changed or unchanged wrongly. A rotation re-seals every list and writes
// its digest under the new key with it.

// listDigestLabel keeps the digests' keyed hashes apart from the store's
// other MACs (plan tags, national IDs, …).
const listDigestLabel = "list-posts"

// ListDigest is the keyed digest of a graduate's default list's posts
// (jobs and internships, not plan items, in rank order: matcher.DefaultPosts)
// under the current data key: the key's prefix, then the MAC. nil without
// a key.
func ListDigest(keys *seal.Keyring, graduateID string, posts []string) []byte {
	if keys == nil {
		return nil
	}
	n := len(graduateID) + 1
	for _, p := range posts {
		n += binary.MaxVarintLen64 + len(p)
	}
	// Each post ID is length-prefixed, so no two lists (or graduate IDs,
	// which hold no NUL) hash the same text.
	data := make([]byte, 0, n)
	data = append(data, graduateID...)
	data = append(data, 0)
	for _, p := range posts {
		data = binary.AppendUvarint(data, uint64(len(p)))
		data = append(data, p...)
	}
	return append(keys.Prefix(), keys.MAC(listDigestLabel, data)...)
}

// ListDigestCurrent reports whether a stored digest was made under the
// current key (so it compares with ListDigest's); an absent digest (a list
// written before digests were kept) or another key's is not.
func ListDigestCurrent(keys *seal.Keyring, digest []byte) bool {
	return keys != nil && len(digest) > 5 && bytes.HasPrefix(digest, keys.Prefix())
}
