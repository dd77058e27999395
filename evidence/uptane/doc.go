// Package uptane reads, verifies and writes Uptane metadata in the two
// dialects that are deployed: "TUF 1.0" (the Uptane reference
// implementation; DialectTUF) and OTA Connect (aktualizr, ota-tuf, the
// uptane director; DialectOTA).
//
// The API, in the order a verifier uses it:
//
//   - Decode(raw) -> *Metadata: the signatures and the exact signed bytes;
//     Root(), Targets(), Snapshot(), Timestamp() decode the signed part
//     (_type is compared case-insensitively: "Root" and "root" are one).
//   - ParseKey: TUF keys (keytype ed25519, ecdsa-sha2-nistp256, rsa, with a
//     scheme) and OTA keys (RSA, ED25519, ECPRIME256V1 without one), hex
//     or PEM keyval.public. Key.ID / MatchID / CheckID compute key IDs in
//     the three schemes (KeyIDTUF, KeyIDSPKI, KeyIDAktualizr); CheckKeyIDs
//     refuses a key whose published ID is none of them (ErrBadKeyID).
//   - Metadata.Verify(role, keys, Role): signatures over the signed part
//     under both canonical forms (FormOLPC, FormJSONSubset), distinct keys
//     counted once, hex or base64 signatures; the Verification says which
//     form matched, how many duplicates, unknown and invalid signatures.
//   - ParseCustom: a target's custom object in either dialect's field
//     names (ECU serials with hardware IDs, hardware IDs, release counter).
//   - GenerateKey / NewPrivateKey, Sign: write signed metadata in either
//     dialect (Ed25519, ECDSA P-256, RSA-PSS SHA-256 salt 32), for test
//     repositories and the demo's Uptane deployment.
//
// Errors are typed (*DecodeError, *KeyIDError, *ThresholdError) and wrap
// the sentinels (ErrMalformed, ErrBadKey, ErrBadKeyID, ErrThreshold,
// ErrIllegalThreshold, ErrWrongType) for errors.Is. The package judges
// nothing about time, versions or repositories: checks/verifier does.
package uptane
