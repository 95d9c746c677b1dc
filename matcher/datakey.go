package matcher

import "context"

// DataKeyRotator is a store whose personal data is sealed with a data key
// (store/seal) and can be moved to a new one.
type DataKeyRotator interface {
	// RotateDataKey re-seals every record not yet under the store's current
	// data key (records of a previous key, or written before records were
	// sealed), a batch per transaction, then makes the current key the one
	// the store is under. Cut off anywhere, it resumes when run again: each
	// sealed record names its key. progress, when not nil, is called after
	// each batch with the records re-sealed so far.
	RotateDataKey(ctx context.Context, progress func(resealed int)) (resealed int, err error)
}
