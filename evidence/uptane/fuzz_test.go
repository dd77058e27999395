package uptane

import "testing"

// FuzzDecode feeds arbitrary bytes to the decoder and every role reader:
// they may refuse, never panic; whatever decodes canonicalises in both forms.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"signatures":[{"keyid":"ab","method":"ed25519","sig":"00"}],"signed":{"_type":"Root","version":1,"expires":"2030-01-01T00:00:00Z","keys":{"ab":{"keytype":"ed25519","keyval":{"public":"00"}}},"roles":{"root":{"keyids":["ab"],"threshold":1}}}}`))
	f.Add([]byte(`{"signatures":[],"signed":{"_type":"Targets","version":0,"expires":"2030-01-01T00:00:00Z","targets":{"a":{"length":1,"hashes":{"sha256":"00"},"custom":{"ecuIdentifiers":{"s":{"hardwareId":"h"}}}}},"delegations":{"keys":{},"roles":[{"name":"r","keyids":[],"threshold":1,"paths":["*"]}]}}}`))
	f.Add([]byte(`{"signed":{"_type":"Snapshot","meta":{"targets.json":{"version":1}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			return
		}
		for _, form := range Forms {
			_, _ = m.Canonical(form)
		}
		_, _ = m.Root()
		if tg, err := m.Targets(); err == nil {
			for _, f := range tg.Targets {
				_, _ = ParseCustom(f.Custom)
			}
		}
		_, _ = m.Snapshot()
		_, _ = m.Timestamp()
		_, _ = m.Verify("x", nil, Role{Threshold: 1})
	})
}
