package runset_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/runset"
)

type run struct {
	Schema string `json:"schema"`
	N      int    `json:"n"`
}

const (
	setURL = "https://example.test/set/v1"
	runURL = "https://example.test/run/v1"
)

func format(bare bool) runset.Format[run] {
	return runset.Format[run]{Name: "test runs", SetSchema: setURL, RunSchema: runURL, BareList: bare, MaxSize: 200,
		SchemaOf: func(r *run) string { return r.Schema },
		Check: func(r *run) error {
			if r.N < 0 {
				return errors.New("negative n")
			}
			return nil
		}}
}

func TestDecode(t *testing.T) {
	one := `{"schema":"` + runURL + `","n":1}`
	two := `{"schema":"` + runURL + `","n":2}`
	for _, c := range []struct {
		name, in string
		bare     bool
		want     []int
		err      any // *runset.SchemaError, *runset.DecodeError, *runset.SizeError
		run      int // the failing run's index, for run-level errors
	}{
		{name: "set", in: `{"schema":"` + setURL + `","runs":[` + one + `,` + two + `]}`, want: []int{1, 2}},
		{name: "one run", in: " \n" + one + "\n", want: []int{1}},
		{name: "bare list", in: `[` + one + `,` + two + `]`, bare: true, want: []int{1, 2}},
		{name: "bare list refused", in: `[` + one + `]`, err: &runset.DecodeError{}, run: -1},
		{name: "empty set", in: `{"schema":"` + setURL + `","runs":[]}`, err: &runset.DecodeError{}, run: -1},
		{name: "set without runs", in: `{"schema":"` + setURL + `"}`, err: &runset.DecodeError{}, run: -1},
		{name: "empty list", in: `[]`, bare: true, err: &runset.DecodeError{}, run: -1},
		{name: "null run", in: `{"schema":"` + setURL + `","runs":[` + one + `,null]}`, err: &runset.DecodeError{}, run: 1},
		{name: "run of another format in a set", in: `{"schema":"` + setURL + `","runs":[{"schema":"x"}]}`, err: &runset.SchemaError{}, run: 0},
		{name: "set inside a set", in: `{"schema":"` + setURL + `","runs":[{"schema":"` + setURL + `","runs":[]}]}`, err: &runset.SchemaError{}, run: 0},
		{name: "run in a bare list without schema", in: `[{"n":1}]`, bare: true, err: &runset.SchemaError{}, run: 0},
		{name: "unknown schema", in: `{"schema":"https://example.test/other"}`, err: &runset.SchemaError{}, run: -1},
		{name: "no schema", in: `{"n":1}`, err: &runset.SchemaError{}, run: -1},
		{name: "schema of the wrong type", in: `{"schema":1}`, err: &runset.DecodeError{}, run: -1},
		{name: "field of the wrong type", in: `{"schema":"` + runURL + `","n":"1"}`, err: &runset.DecodeError{}, run: -1},
		{name: "refused by the format", in: `{"schema":"` + runURL + `","n":-1}`, err: &runset.DecodeError{}, run: -1},
		{name: "trailing data", in: one + `{}`, err: &runset.DecodeError{}, run: -1},
		{name: "not JSON", in: `schema`, err: &runset.DecodeError{}, run: -1},
		{name: "empty", in: ``, err: &runset.DecodeError{}, run: -1},
		{name: "too large", in: one + strings.Repeat(" ", 200), err: &runset.SizeError{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := format(c.bare).Decode([]byte(c.in))
			switch want := c.err.(type) {
			case nil:
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(c.want) {
					t.Fatalf("%d runs, want %d", len(got), len(c.want))
				}
				for i, r := range got {
					if r == nil || r.N != c.want[i] {
						t.Errorf("run %d = %+v, want n %d", i, r, c.want[i])
					}
				}
			case *runset.SchemaError:
				var se *runset.SchemaError
				if !errors.As(err, &se) || se.Run != c.run || se.Format != "test runs" || len(got) != 0 {
					t.Fatalf("got %v (%T), runs %v; want a schema error for run %d", err, err, got, c.run)
				}
			case *runset.DecodeError:
				var de *runset.DecodeError
				if !errors.As(err, &de) || de.Run != c.run || len(got) != 0 {
					t.Fatalf("got %v (%T), runs %v; want a decode error for run %d", err, err, got, c.run)
				}
			case *runset.SizeError:
				var se *runset.SizeError
				if !errors.As(err, &se) || se.Limit != 200 || se.Size != int64(len(c.in)) {
					t.Fatalf("got %v (%T), want a size error", err, err)
				}
			default:
				t.Fatalf("bad case %T", want)
			}
		})
	}
}

// TestDefaultMaxSize: a format without a limit still has one.
func TestDefaultMaxSize(t *testing.T) {
	f := format(false)
	f.MaxSize = 0
	big := make([]byte, runset.DefaultMaxSize+1)
	var se *runset.SizeError
	if _, err := f.Decode(big); !errors.As(err, &se) || se.Limit != runset.DefaultMaxSize {
		t.Fatalf("err %v", err)
	}
}

func TestSetRoundTrip(t *testing.T) {
	s := &runset.Set[run]{Schema: setURL, Runs: []*run{{Schema: runURL, N: 3}, {Schema: runURL, N: 4}}}
	b := s.JSON()
	if !strings.HasSuffix(string(b), "}\n") || !strings.Contains(string(b), "\n  \"runs\": [") {
		t.Errorf("encoding:\n%s", b)
	}
	f := format(false)
	f.MaxSize = 1 << 10
	got, err := f.Decode(b)
	if err != nil || len(got) != 2 || got[1].N != 4 {
		t.Fatalf("round trip: %v %v", got, err)
	}
}

func TestErrorText(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{&runset.SchemaError{Format: "f", Run: 2, Got: "x", Want: []string{"a", "b"}}, `f: run 2: schema "x", want a or b`},
		{&runset.SchemaError{Format: "f", Run: -1, Got: "", Want: []string{"a"}}, `f: schema "", want a`},
		{&runset.DecodeError{Format: "f", Run: 0, Err: errors.New("bad")}, `f: run 0: bad`},
		{&runset.DecodeError{Format: "f", Run: -1, Err: errors.New("bad")}, `f: bad`},
		{&runset.SizeError{Format: "f", Size: 9, Limit: 8}, `f: 9 bytes, more than the limit of 8`},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}
