package store

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"iter"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/fleet/store/storetest"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/unitsupport"
	"github.com/craudit/craudit/fixtures/fleetunits"
	"github.com/craudit/craudit/fixtures/thermostat"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var ref = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func key(unit string) ed25519.PrivateKey {
	s := sha256.Sum256([]byte("test/" + unit))
	return ed25519.NewKeyFromSeed(s[:])
}

func primaryKey(unit string) ed25519.PublicKey {
	s := sha256.Sum256([]byte(thermostat.Seed + "/uptane-ecu/" + fleetunits.Serial(unit, fleetunits.MainECU)))
	return ed25519.NewKeyFromSeed(s[:]).Public().(ed25519.PublicKey)
}

// backends runs f on SQLite and on PostgreSQL.
func backends(t *testing.T, f func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) { f(t, "sqlite:"+filepath.Join(t.TempDir(), "fleet.db")) })
	t.Run("postgres", func(t *testing.T) { f(t, storetest.Postgres(t)) })
}

func testRegistry(t *testing.T) *fleet.Registry {
	devs := []fleet.Device{
		{Unit: "TH-1", Hardware: "st100", Batch: "b1", PublicKey: fleet.EncodeEd25519(key("TH-1").Public().(ed25519.PublicKey))},
		{Unit: "TH-2", Hardware: "st100", Batch: "b2", PublicKey: fleet.EncodeEd25519(key("TH-2").Public().(ed25519.PublicKey))},
		{Unit: "TH-3", Hardware: "st100", PublicKey: fleet.EncodeEd25519(key("TH-3").Public().(ed25519.PublicKey))},
		{Unit: "ST100-0001", Hardware: "st100", PublicKey: fleet.EncodeEd25519(primaryKey("ST100-0001"))},
	}
	reg, err := fleet.NewRegistry("test", devs)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func testPOM(t *testing.T) *unitsupport.Records {
	r, err := unitsupport.ParseCSV("pom.csv", []byte("unit,placed_on_market,batch\nTH-1,2020-01-01,b1\nTH-2,2025-06-01,b2\nST100-0001,2026-03-02,B2026-03\n"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func signed(t *testing.T, unit, version, target, outcome, control, campaign string, counter uint64) []byte {
	r := fleet.Report{Unit: unit, Hardware: "st100", Version: version, Target: target, Outcome: outcome, Control: control,
		Counter: counter, Time: ref.Add(-24 * time.Hour), Campaign: campaign,
		Artefacts: []fleet.Artefact{{Name: "fw-" + version + ".tar", Length: 100, SHA256: strings.Repeat("0", 64)}}}
	b, err := r.Sign(key(unit))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func seqOf(t *testing.T, named map[string][]byte, order []string) iter.Seq[Input] {
	return func(yield func(Input) bool) {
		for _, name := range order {
			b := named[name]
			in := Input{Source: name}
			if len(b) > 0 && b[0] == '{' {
				in.Uptane = b
			} else if s, err := fleet.Parse(b); err != nil {
				in.Err = err
			} else {
				in.Signed = s
			}
			if !yield(in) {
				return
			}
		}
	}
}

func TestIngestAndStatus(t *testing.T) {
	ufiles, err := fleetunits.Make([]fleetunits.Unit{{ID: "ST100-0001", Main: fleetunits.Image{Name: "firmware-1.0.1.tar", Data: []byte("fw")},
		WiFi: fleetunits.Image{Name: fleetunits.WiFiImageName, Data: fleetunits.WiFiImage()}}}, ref)
	if err != nil {
		t.Fatal(err)
	}
	uptaneManifest := ufiles["manifests/ST100-0001.json"]
	ok1 := signed(t, "TH-1", "1.0.1", "1.0.1", fleet.OutcomeSuccess, "", "c1", 1)
	flipped := bytes.Clone(ok1)
	flipped[bytes.Index(flipped, []byte("T12:00"))+2] = '3' // another hour: still well-formed
	hwWrong, _ := (&fleet.Report{Unit: "TH-3", Hardware: "st200", Version: "1.0.1", Target: "1.0.1", Outcome: fleet.OutcomeSuccess, Counter: 1, Time: ref}).Sign(key("TH-3"))
	inputs := map[string][]byte{
		"a-th1-1":      ok1,
		"b-th2-1":      signed(t, "TH-2", "1.0.0", "1.0.1", fleet.OutcomeRollback, "boot-check", "c1", 1),
		"c-th2-2":      signed(t, "TH-2", "1.0.1", "1.0.1", fleet.OutcomeSuccess, "", "c1", 2),
		"d-th2-attack": signed(t, "TH-2", "1.0.1", "0.9.0", fleet.OutcomeRefusedAttack, "anti-rollback", "", 3),
		"e-replay":     ok1,
		"f-flipped":    flipped,
		"g-unknown":    signed(t, "TH-9", "1.0.1", "1.0.1", fleet.OutcomeSuccess, "", "", 1),
		"h-malformed":  []byte("craudit-device-report v1\nunit TH-1\n"),
		"i-hardware":   hwWrong,
		"j-uptane":     uptaneManifest,
		"k-th2-old":    signed(t, "TH-2", "1.0.1", "1.0.1", fleet.OutcomeSuccess, "", "", 2),
	}
	order := []string{"a-th1-1", "b-th2-1", "c-th2-2", "d-th2-attack", "e-replay", "f-flipped", "g-unknown", "h-malformed", "i-hardware", "j-uptane", "k-th2-old"}
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if v, err := db.Version(ctx); err != nil || v != SchemaVersion {
			t.Fatalf("schema version %d %v", v, err)
		}
		reg := testRegistry(t)
		if err := db.SyncDevices(ctx, reg, testPOM(t)); err != nil {
			t.Fatal(err)
		}
		o := IngestOptions{Registry: reg, At: ref, Now: ref, BatchSize: 3}
		res, err := db.Ingest(ctx, seqOf(t, inputs, order), o)
		if err != nil {
			t.Fatal(err)
		}
		want := fleet.Rejections{BadSignature: 1, Replay: 2, UnknownDevice: 1, Malformed: 1, HardwareMismatch: 1}
		if res.Accepted != 5 || res.Rejected != want {
			t.Fatalf("accepted %d rejected %+v %+v", res.Accepted, res.Rejected, res.Rejections)
		}
		reasons := map[string]string{}
		for _, r := range res.Rejections {
			reasons[r.Source] = r.Reason
		}
		for src, reason := range map[string]string{"e-replay": ReasonReplay, "f-flipped": ReasonBadSignature, "g-unknown": ReasonUnknownDevice,
			"h-malformed": ReasonMalformed, "i-hardware": ReasonHardwareMismatch, "k-th2-old": ReasonReplay} {
			if reasons[src] != reason {
				t.Errorf("%s: %q, want %s", src, reasons[src], reason)
			}
		}
		// The flipped report is not stored as valid.
		var n int
		if err := db.SQL.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM reports WHERE unit = ?`), "TH-1").Scan(&n); err != nil || n != 1 {
			t.Fatalf("flipped report stored: %d %v", n, err)
		}
		// Re-ingesting the same inputs: every one refused, the good ones as replays.
		res2, err := db.Ingest(ctx, seqOf(t, inputs, order), o)
		if err != nil {
			t.Fatal(err)
		}
		if res2.Accepted != 0 || res2.Rejected.Replay != 7 {
			t.Fatalf("re-ingest: accepted %d rejected %+v", res2.Accepted, res2.Rejected)
		}

		sp := &product.SupportPeriod{Years: 5, Batches: []product.Batch{{ID: "b2", End: &product.Date{Time: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}}}}
		st, err := db.Status(ctx, StatusOptions{At: ref, SilentDays: 30, Product: "st100", Support: sp,
			Releases: []unitsupport.Release{{Product: "st100", Version: "1.0.1", VulnsKnown: true, Open: []unitsupport.Vulnerability{{ID: "CVE-2026-1"}, {ID: "CVE-2026-1"}}}}})
		if err != nil {
			t.Fatal(err)
		}
		if st.Units != 4 || st.Reporting != 3 || st.Store != db.Kind {
			t.Fatalf("units %d reporting %d store %s", st.Units, st.Reporting, st.Store)
		}
		wantRel := []fleet.ReleaseStatus{
			{Version: "0.9.0", Attempts: fleet.Counts{Attempts: 1, RefusedAttack: 1}},
			{Version: "1.0.1", Units: 2, Attempts: fleet.Counts{Attempts: 3, Success: 2, Rollback: 1}, OpenVulnerabilities: []string{"CVE-2026-1"}, Judged: true},
			{Version: "firmware-1.0.1.tar", Units: 1, Attempts: fleet.Counts{Attempts: 1, Success: 1}},
		}
		if !reflect.DeepEqual(st.Releases, wantRel) {
			t.Fatalf("releases:\n%+v\nwant\n%+v", st.Releases, wantRel)
		}
		wantCamp := []fleet.CampaignStatus{{ID: "c1", Release: "1.0.1", Attempts: fleet.Counts{Attempts: 3, Success: 2, Rollback: 1}}}
		if !reflect.DeepEqual(st.Campaigns, wantCamp) {
			t.Fatalf("campaigns %+v", st.Campaigns)
		}
		// TH-1: 2020 + 5 years: past; TH-2: batch b2 ended 2026-06-01: past;
		// ST100-0001 in support; TH-3 no placed-on-market record.
		if !reflect.DeepEqual(st.Support.PastSupport, []string{"TH-1", "TH-2"}) || st.Support.InSupport != 1 ||
			!reflect.DeepEqual(st.Support.UnknownStart, []string{"TH-3"}) || st.Support.Problem != "" {
			t.Fatalf("support %+v", st.Support)
		}
		if st.OpenVulnerabilityUnits != 2 || st.UnjudgedUnits != 1 {
			t.Fatalf("open-vuln units %d unjudged %d", st.OpenVulnerabilityUnits, st.UnjudgedUnits)
		}
		if !reflect.DeepEqual(st.SilentUnits, []string{"TH-3"}) {
			t.Fatalf("silent %v", st.SilentUnits)
		}
		if st.Rejected.Replay != 9 || st.Rejected.Total() != 17 {
			t.Fatalf("rejected %+v", st.Rejected)
		}
		// No product: support not judged, never "in support".
		st, err = db.Status(ctx, StatusOptions{At: ref})
		if err != nil || st.Support.Problem == "" || st.Support.InSupport != 0 || len(st.Support.PastSupport) != 0 {
			t.Fatalf("no product: %+v %v", st.Support, err)
		}
		if st.UnjudgedUnits != 3 || st.Releases[1].OpenVulnerabilities != nil {
			t.Fatalf("no bundles: unjudged %d", st.UnjudgedUnits)
		}
	})
}

func TestOpenRejects(t *testing.T) {
	for _, u := range []string{"mysql://x", "sqlite:", "sqlite:/tmp/x?mode=ro", ""} {
		if _, err := Open(context.Background(), u); err == nil {
			t.Errorf("%q opened", u)
		}
	}
	if got := redact("postgres://u:secret@h/db"); strings.Contains(got, "secret") {
		t.Fatal(got)
	}
}

// TestIngestStopsOnWriteError: when a batch cannot be written, Ingest
// returns the error having read at most the batches already queued behind
// it, and the goroutine that ranges over the inputs has ended by then.
func TestIngestStopsOnWriteError(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		reg := testRegistry(t)
		if err := db.SyncDevices(ctx, reg, testPOM(t)); err != nil {
			t.Fatal(err)
		}
		db.Close() // every write fails from here on
		var read atomic.Int64
		var ended atomic.Bool
		endless := func(yield func(Input) bool) {
			defer ended.Store(true)
			for i := uint64(1); ; i++ {
				s, err := fleet.Parse(signed(t, "TH-1", "1.0.1", "1.0.1", fleet.OutcomeSuccess, "", "", i))
				if err != nil {
					t.Error(err)
					return
				}
				read.Add(1)
				if !yield(Input{Source: "r", Signed: s}) {
					return
				}
			}
		}
		const batch = 2
		res, err := db.Ingest(ctx, endless, IngestOptions{Registry: reg, At: ref, Now: ref, BatchSize: batch})
		if err == nil {
			t.Fatalf("ingest into a closed store succeeded: %+v", res)
		}
		if !ended.Load() {
			t.Error("Ingest returned while its inputs were still being read")
		}
		// One batch failed to be written, one waits in the queue, one was
		// being verified, and the next input had been read.
		if n := read.Load(); n > 3*batch+1 {
			t.Errorf("%d inputs read after the first write failed, want at most %d", n, 3*batch+1)
		}
		if res.Accepted != 0 {
			t.Errorf("accepted %d", res.Accepted)
		}
	})
}
