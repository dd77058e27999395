// Package pkcs11 signs with a key held in a PKCS#11 token (a hardware
// security module, a smart card, SoftHSM2), named by an RFC 7512 URI such as
//
//	pkcs11:token=craudit;object=vendor?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234
//
// The URI parser is pure Go. Talking to a token needs cgo (the module is
// loaded with dlopen, and only when a key is opened): a build without cgo
// keeps the parser and answers Open with ErrNotBuilt. ECDSA P-256
// (CKM_ECDSA) and Ed25519 (CKM_EDDSA) keys are supported; the public key is
// read from the token's public-key object with the private key's CKA_ID or
// label.
package pkcs11
