// Package fleetcheck judges a fleet status snapshot pinned in the bundle
// (`craudit bundle --fleet-status`, fleet-status.json): what the product's
// devices reported after their update attempts (ENISA step 7, record
// status), the reports refused at ingest, the units past their support
// period or without a known start, the units running a release with open
// vulnerabilities and the units gone silent. Without a snapshot every check
// reports missing evidence, never a pass. The fleet checks stand beside the
// step-7 declarations (declare/update-logging, declare/failure-reporting):
// those say what the device is built to do, these what the fleet showed.
package fleetcheck
