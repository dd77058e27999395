// Package copyfile writes the bundle's copy of a large artefact as fast as
// the disk allows while the bundle hashes the same bytes: on Linux with
// O_DIRECT from the buffers the hashes read, the space reserved first, two
// writes in flight and the data flushed in the background as it goes, so
// the closing Sync finds almost nothing left; through the page cache for a
// copy that will be read again and where O_DIRECT is refused. It checks
// nothing and hashes nothing: evidence/bundle does.
package copyfile
