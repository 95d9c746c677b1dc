// Package password hashes people's passwords with argon2id (RFC 9106),
// memory-hard so that a stolen users table costs a guesser memory as well
// as time, and keeps each hash as a PHC string that names its parameters:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt, base64>$<hash, base64>
//
// so the parameters can be raised later without invalidating stored
// hashes (NeedsRehash says when a hash is below the current ones).
//
// A new password must also be hard to guess (CheckStrength): zxcvbn
// (github.com/trustelem/zxcvbn, Dropbox's estimator with its lists of
// common passwords, words and names) scores it against a guesser who
// knows the account's name, and scores below MinScore are refused.
package password
