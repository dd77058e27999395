package pack

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/inspect"
	"github.com/craudit/craudit/evidence/artefact/mender"
	"github.com/craudit/craudit/evidence/artefact/rauc"
	"github.com/craudit/craudit/evidence/artefact/swupdate"
	"github.com/craudit/craudit/evidence/bundle"
)

// errStopped tells the copy that a streamed verifier has read all it wanted.
var errStopped = errors.New("verifier done")

// streamed is the verification of an updater artefact whose verifier reads
// it front to back (SWUpdate, Mender), fed with the chunks of the one read
// that copies and hashes the artefact (bundle.Writer.AddFileTee): the
// verifier sees exactly the bytes that were hashed, and the artefact is not
// read a second time. A RAUC bundle's verifier (rauc.Stream) reads the
// bundle's ends first (signature, squashfs tables) and then takes the
// stream itself, without a pipe.
type streamed struct {
	format  artefact.Format
	rauc    *rauc.Stream
	pw      *io.PipeWriter
	stopped atomic.Bool
	done    chan struct{}
	rep     *artefact.Report
	err     error
}

// sniffFormat names the updater format of the file at src, or "" (no
// updater artefact, or a file that cannot be opened: the copy reports
// that). It reads 512 bytes.
func sniffFormat(src string) artefact.Format {
	f, err := os.Open(src)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	format, err := inspect.Detect(head[:n])
	if err != nil {
		return ""
	}
	return format
}

// streamable reports whether the verifier of format reads the artefact
// front to back, so that it can be fed from the copy's read.
func streamable(format artefact.Format) bool {
	return format == artefact.FormatSWUpdate || format == artefact.FormatMender
}

// startStream starts the verifier of format in its own goroutine, reading
// what is written to the returned streamed.
func startStream(format artefact.Format, o artefact.Options) *streamed {
	pr, pw := io.Pipe()
	s := &streamed{format: format, pw: pw, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		// The size is only reported; the caller sets it from the copy.
		if format == artefact.FormatSWUpdate {
			s.rep, s.err = swupdate.Verify(pr, 0, o)
		} else {
			s.rep, s.err = mender.Verify(pr, 0, o)
		}
		// Read no further: what the copy still writes is dropped.
		pr.CloseWithError(errStopped)
	}()
	return s
}

// startRAUC plans the one-pass verification of the RAUC bundle at src
// from its ends; nil when that cannot be done (the bundle's verifier then
// reads the copy, as inspect.File would read the source).
func startRAUC(src string, o artefact.Options) *streamed {
	f, err := os.Open(src)
	if err != nil {
		return nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil
	}
	rs, err := rauc.NewStream(f, st.Size(), o)
	if err != nil {
		return nil
	}
	return &streamed{format: artefact.FormatRAUCPlain, rauc: rs}
}

// Write hands p to the verifier; once it has stopped reading, p is
// accepted and dropped so that the copy goes on.
func (s *streamed) Write(p []byte) (int, error) {
	if s.rauc != nil {
		return s.rauc.Write(p)
	}
	if s.stopped.Load() {
		return len(p), nil
	}
	if _, err := s.pw.Write(p); err != nil {
		if !errors.Is(err, errStopped) {
			return 0, err
		}
		s.stopped.Store(true)
	}
	return len(p), nil
}

// finish ends the stream (copyErr: the copy failed) and returns the
// verifier's result, as inspect.File would for the same bytes.
func (s *streamed) finish(copyErr error) (*artefact.Report, error) {
	if s.rauc != nil {
		if copyErr != nil {
			return nil, copyErr
		}
		return s.rauc.Finish()
	}
	if copyErr != nil {
		s.pw.CloseWithError(copyErr)
	} else {
		s.pw.Close()
	}
	<-s.done
	return s.rep, s.err
}

// copyOptions decides how the artefact at src is copied: a SWUpdate or
// Mender artefact, and a RAUC bundle whose verification can be planned
// from its ends, is verified in the copy's read (the returned streamed,
// nil otherwise); a copy that will be read again (any other RAUC bundle's
// verifier, syft when the SBOM is generated and the producer may read the
// artefact) goes through the page cache, the others with O_DIRECT.
func copyOptions(o Options, src string, trust artefact.Options) (bundle.CopyOptions, *streamed) {
	var co bundle.CopyOptions
	var tee *streamed
	format := sniffFormat(src)
	if streamable(format) {
		tee = startStream(format, trust)
		co.Tee = tee
	} else if format == artefact.FormatRAUCPlain {
		if tee = startRAUC(src, trust); tee != nil {
			co.Tee = tee
		}
	}
	sbomReads := o.SBOM == "" && o.Make.SBOM != nil && (o.Make.ReadsArtefact == nil || o.Make.ReadsArtefact(src))
	co.ReadAgain = (format == artefact.FormatRAUCPlain && tee == nil) || sbomReads
	return co, tee
}

// copyFormat is the format the bundle's copy of it starts as: a streamed
// inspection counts only when the copy is what the source was sniffed as
// (the source may have changed between the sniff and the copy).
func copyFormat(w *bundle.Writer, it bundle.Item) artefact.Format {
	return sniffFormat(filepath.Join(w.StagePath(), filepath.FromSlash(it.Path)))
}
