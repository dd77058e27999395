package swupdate

import (
	"errors"
	"fmt"
	"io"
	"strconv"
)

// The cpio magics SWUpdate accepts.
const (
	MagicNewc = "070701"
	MagicCRC  = "070702"
	trailer   = "TRAILER!!!"
	maxName   = 4096
)

// Header is one cpio member's header.
type Header struct {
	Name  string
	Mode  uint32
	Size  int64
	Check uint32 // the crc format's byte sum; 0 in newc
	CRC   bool
}

// CPIOError is a malformed cpio stream.
type CPIOError struct{ Reason string }

func (e *CPIOError) Error() string { return "cpio: " + e.Reason }

// Reader reads a cpio newc / crc stream member by member.
type Reader struct {
	r      io.Reader
	off    int64
	remain int64 // unread bytes of the current member's data
	pad    int64 // padding after the current member's data
	sum    uint32
	cur    *Header
}

// NewReader reads cpio from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// Next skips the rest of the current member and returns the next header;
// io.EOF after the trailer.
func (c *Reader) Next() (*Header, error) {
	if c.cur != nil {
		if _, err := io.Copy(io.Discard, c); err != nil {
			return nil, err
		}
		if err := c.skip(c.pad); err != nil {
			return nil, err
		}
		c.cur = nil
	}
	var hb [110]byte
	if _, err := io.ReadFull(c.r, hb[:]); err != nil {
		return nil, &CPIOError{fmt.Sprintf("header at %d: %v", c.off, errNoEOF(err))}
	}
	start := c.off
	c.off += 110
	magic := string(hb[:6])
	if magic != MagicNewc && magic != MagicCRC {
		return nil, &CPIOError{fmt.Sprintf("bad magic %q at %d", magic, start)}
	}
	field := func(i int) (uint64, error) {
		s := string(hb[6+8*i : 14+8*i])
		v, err := strconv.ParseUint(s, 16, 32)
		if err != nil {
			return 0, &CPIOError{fmt.Sprintf("header at %d: field %d %q is not hex", start, i, s)}
		}
		return v, nil
	}
	var f [13]uint64
	for i := range f {
		v, err := field(i)
		if err != nil {
			return nil, err
		}
		f[i] = v
	}
	h := &Header{Mode: uint32(f[1]), Size: int64(f[6]), Check: uint32(f[12]), CRC: magic == MagicCRC}
	nameSize := int64(f[11])
	if nameSize < 1 || nameSize > maxName {
		return nil, &CPIOError{fmt.Sprintf("header at %d: name size %d", start, nameSize)}
	}
	name := make([]byte, nameSize)
	if _, err := io.ReadFull(c.r, name); err != nil {
		return nil, &CPIOError{fmt.Sprintf("name at %d: %v", c.off, errNoEOF(err))}
	}
	c.off += nameSize
	if name[nameSize-1] != 0 {
		return nil, &CPIOError{fmt.Sprintf("name at %d is not NUL-terminated", start)}
	}
	h.Name = string(name[:nameSize-1])
	if err := c.skip(pad4(110 + nameSize)); err != nil {
		return nil, err
	}
	if h.Name == trailer {
		return nil, io.EOF
	}
	c.cur, c.remain, c.pad, c.sum = h, h.Size, pad4(h.Size), 0
	return h, nil
}

// Read reads the current member's data.
func (c *Reader) Read(p []byte) (int, error) {
	if c.cur == nil || c.remain == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.remain {
		p = p[:c.remain]
	}
	n, err := c.r.Read(p)
	if c.cur.CRC {
		for _, b := range p[:n] {
			c.sum += uint32(b)
		}
	}
	c.remain -= int64(n)
	c.off += int64(n)
	if err == io.EOF && c.remain > 0 {
		return n, &CPIOError{fmt.Sprintf("member %s is truncated", c.cur.Name)}
	}
	if c.remain == 0 && err == io.EOF {
		err = nil
	}
	return n, err
}

// ChecksumOK tells, after the current member was read whole, whether its
// crc-format checksum matches (always true for newc).
func (c *Reader) ChecksumOK() bool {
	return c.cur == nil || !c.cur.CRC || c.remain != 0 || c.sum == c.cur.Check
}

func (c *Reader) skip(n int64) error {
	if n == 0 {
		return nil
	}
	m, err := io.CopyN(io.Discard, c.r, n)
	c.off += m
	if err != nil {
		return &CPIOError{fmt.Sprintf("padding at %d: %v", c.off, errNoEOF(err))}
	}
	return nil
}

func pad4(n int64) int64 { return (4 - n%4) % 4 }

func errNoEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
