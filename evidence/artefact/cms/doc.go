// Package cms verifies CMS (PKCS #7) SignedData as RAUC and SWUpdate use
// it: a DER SignedData with the signer's certificate (and intermediates),
// one or more SignerInfos with or without signed attributes, RSA PKCS #1
// v1.5, ECDSA or Ed25519 signatures over SHA-256/384/512. The content is
// either inside (RAUC verity bundles sign their manifest inline) or detached
// and hashed by the caller as a stream, so a multi-GiB payload is never held
// in memory: Parse, then Digest the content with the hash the SignerInfo
// names, then Verify. Written on encoding/asn1 and crypto/x509 because the
// CMS library in the module graph (digitorus/pkcs7) needs a detached content
// as one byte slice.
package cms
