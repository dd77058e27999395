// Package softhsmtest gives tests a real PKCS#11 token: a SoftHSM2 token in
// a temporary folder, with keys made on it by OpenSC's pkcs11-tool. Tests
// that use it skip with one line when SoftHSM2 or pkcs11-tool is missing,
// and fail under CI=true (scripts/deps.sh installs both).
package softhsmtest
