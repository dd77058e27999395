package unitsupport

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCSV(t *testing.T) {
	good := "unit,placed_on_market,batch\n# comment\nVIN-1,2026-03-02,B2026-03\n\nserial-2,2020-06-01,\n"
	r, err := ParseCSV("pom.csv", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Units(), ","); got != "VIN-1,serial-2" {
		t.Fatalf("units %q", got)
	}
	rec, ok := r.Lookup("", "nope", "serial-2")
	if !ok || rec.PlacedOnMarket.Format("2006-01-02") != "2020-06-01" || rec.Batch != "" || rec.Line != 5 {
		t.Fatalf("lookup: %+v %v", rec, ok)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "pom.csv: empty file"},
		{"bad header", "vin,date,batch\n", "pom.csv: line 1: header"},
		{"fields", "unit,placed_on_market,batch\nA,2026-01-01\n", "pom.csv: line 2: 2 fields, want 3"},
		{"date", "unit,placed_on_market,batch\nA,01/02/2026,B\n", "pom.csv: line 2: placed_on_market \"01/02/2026\""},
		{"empty unit", "unit,placed_on_market,batch\n ,2026-01-01,B\n", "pom.csv: line 2: empty unit"},
		{"duplicate", "unit,placed_on_market,batch\nA,2026-01-01,B\nA,2026-01-02,B\n", "pom.csv: line 3: unit \"A\" already on line 2"},
		{"quote", "unit,placed_on_market,batch\n\"A,2026-01-01,B\n", "pom.csv: line 2"},
		{"binary", "unit,placed_on_market,batch\n\xff\xfe,2026-01-01,B\n", "pom.csv: not UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCSV("pom.csv", []byte(tc.in))
			var le *LineError
			if !errors.As(err, &le) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got %v, want prefix %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
		})
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("unit,placed_on_market,batch\nVIN-1,2026-03-02,B2026-03\n"))
	f.Add([]byte("unit,placed_on_market,batch\n\"a\"\"b\",2026-03-02,\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseCSV("f.csv", b)
		if err != nil {
			if r != nil {
				t.Fatal("records with an error")
			}
			return
		}
		for _, u := range r.Units() {
			if rec, ok := r.Lookup(u); !ok || rec.Unit != u || rec.Line < 2 {
				t.Fatalf("unit %q: %+v", u, rec)
			}
		}
	})
}
