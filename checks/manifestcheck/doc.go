// Package manifestcheck judges the bundle itself and its signed device
// manifest: that every byte is what the signed index says, that the manifest
// chains to the manufacturer's root key, that it binds the artefacts by size
// and hash, and that it carries the fields a device needs to refuse stale or
// older updates (freshness window, rollback counter).
package manifestcheck
