// Package keys creates, stores and uses the signing keys of the update chain:
// the offline root key, the operational vendor key, and the certificate by
// which the root key vouches for a vendor key.
//
// Signatures have one format everywhere, so that openssl can check them:
// ECDSA P-256 over SHA-256 as ASN.1 DER (`openssl dgst -sha256 -verify`),
// Ed25519 over the raw message (`openssl pkeyutl -verify -rawin`). Keys are PEM:
// PKCS#8 for private keys, SubjectPublicKeyInfo for public keys.
package keys
