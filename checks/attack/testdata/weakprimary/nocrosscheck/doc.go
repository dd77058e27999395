// Command nocrosscheck is an Uptane Primary that skips the
// cross-repository check: it installs the image the Director names by the
// Director's length and hashes, without comparing them with the Image
// repository's (Uptane Standard 2.1, 5.4.4.2 step 10).
package main
