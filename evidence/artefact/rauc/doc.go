// Package rauc reads and verifies RAUC bundles. A bundle is a squashfs image
// followed by a CMS signature and the signature's size as 8 bytes big-endian.
// In a plain bundle the signature is detached over the whole squashfs image;
// in a verity bundle it carries the manifest inline, and the manifest pins
// the payload with a dm-verity hash tree (root hash, salt, tree size) that
// sits between the squashfs image and the signature. rauc info only checks
// the signature of a verity bundle (the kernel checks the tree when the
// bundle is mounted); Verify here also recomputes and checks the whole tree,
// block by block, as dm-verity would, so a tampered payload is caught
// offline. Images are hashed from inside the squashfs image as streams.
package rauc
