// Package vehicle reads and verifies Uptane vehicle version manifests: the
// report a Primary ECU signs about its unit, carrying every ECU's own signed
// version report (installed image, attacks detected, time).
//
// Both dialects (the reference implementation's TUF 1.0 and OTA Connect's)
// and the three shapes that are deployed are read: the map
// `ecu_version_manifests` of one report per ECU serial (OTA Connect), the
// same map of lists of reports (the reference implementation) and the
// legacy list `ecu_version_manifest` (early OTA Connect). Signatures are
// checked with evidence/uptane (both canonical forms, the three key-ID
// schemes); keys come from files given on the command line or from a key
// registry binding ECU serials to keys.
//
// Parse reads the shape once and names every wrong field; Verify judges one
// manifest (signatures, fields, replay protection) and never fails open: a
// report without an acceptable key is not verified. The support join lives
// in evidence/unitsupport.
package vehicle
