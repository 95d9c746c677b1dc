// Package seal encrypts personal data at rest for both stores with one key
// handling: the same data key, the same derivation, the same box format
// and the same keyed hashes in store/bolt and store/postgres.
//
// The data key is 32 bytes, written as 64 hex digits or base64 (ParseKey);
// cmd/jobmatch reads it (JOBMATCH_DATA_KEY) and hands it to the store, no
// library reads the environment. From it two sub-keys are derived with
// HMAC-SHA256, so the encryption key never doubles as a MAC key:
//
//   - "encrypt": AES-256-GCM. A box is version 2, the 4-byte key id, a
//     12-byte random nonce and the ciphertext with its tag; it is bound to
//     additional data (the record's ID, so a box copied onto another
//     record does not open). Version 1 boxes (no key id; written by
//     store/postgres before key rotation existed) still open.
//   - "mac": HMAC-SHA256 keyed hashes for look-up (a national ID) and
//     change detection, so neither needs the plain value stored. A plain
//     SHA-256 of an 18-digit ID with a birth date and a check digit inside
//     falls to brute force in minutes; a keyed one does not without the key.
//
// Rotation. A Keyring holds the current key and any previous ones: boxes
// name the key that sealed them, so a store opened with the new key and
// the old one reads both and writes only with the new one, and a rotation
// (`jobmatch keys rotate-data-key`) re-seals record by record, resumable
// from wherever it stopped because each box says which key it is under.
// Check returns the value a store keeps to refuse a wrong key at open.
package seal
