package matcher

import "strings"

// Feedback sources. A portal reports feedback for its own users, whom this
// service does not store: its events' Source is the portal's post source
// (letters, digits, '-', '_' and '.', never a colon) and their GraduateID
// an opaque ID of the portal's. A person (counselor, admin) reports for
// graduates of the ledger: Source is LedgerSourcePrefix and the key's ID,
// and GraduateID names a stored graduate. Event IDs are unique per source,
// and deleting a graduate deletes only ledger events about them, never a
// portal's events that happen to use the same ID.
const LedgerSourcePrefix = "key:"

// LedgerSource is the Source of feedback reported with the person's key
// keyID.
func LedgerSource(keyID string) string { return LedgerSourcePrefix + keyID }

// IsLedgerSource reports whether events of source src are about graduates
// of the ledger.
func IsLedgerSource(src string) bool { return strings.HasPrefix(src, LedgerSourcePrefix) }
