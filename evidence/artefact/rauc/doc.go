// Package rauc reads and verifies RAUC bundles. A bundle is a squashfs image
// followed by a CMS signature and the signature's size as 8 bytes big-endian.
// In a plain bundle the signature is detached over the whole squashfs image;
// in a verity bundle it carries the manifest inline, and the manifest pins
// the payload with a dm-verity hash tree (root hash, salt, tree size) that
// sits between the squashfs image and the signature. rauc info only checks
// the signature of a verity bundle (the kernel checks the tree when the
// bundle is mounted); Verify here also rebuilds the whole tree from the
// payload and compares it with the stored one and the signed root, so a
// tampered payload is caught offline. Images are hashed from inside the
// squashfs image as streams.
//
// Verification is one pass (Stream): the signature and the squashfs
// superblock and tables are read first, with ReadAt (a few KiB); they say
// where every data block and fragment of the files lies, so the signed
// digest or the hash tree and every image's SHA-256 are computed while the
// bytes go by once, in order, as `craudit bundle` copies and hashes them.
// The bytes read first are compared with the same bytes in the stream.
package rauc
