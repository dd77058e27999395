// Package manifestattack builds the ENISA manifest profile's hostile
// repositories for the attack harness (checks/attack): root key -> vendor
// certificate -> signed manifest -> artefact, made valid for the baseline
// and broken in one way per scenario (signatures, certificates, device
// identity, versions, expiry, substituted or redirected artefacts, TLS).
//
// The scenario list itself is the plain literal catalogue in checks/attack;
// this package only makes the repositories it names.
package manifestattack
