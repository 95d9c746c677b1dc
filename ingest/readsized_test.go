package ingest

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// readAllSized reads what io.ReadAll reads, whatever the stated size: the
// file's, a stale smaller or larger one, or none; and passes a read error on.
func TestReadAllSized(t *testing.T) {
	data := bytes.Repeat([]byte("岗位,描述\n"), 5000)
	for _, size := range []int64{int64(len(data)), 0, -1, 10, int64(len(data)) - 1, int64(len(data)) + 1, 3 * int64(len(data))} {
		for _, r := range []func() io.Reader{
			func() io.Reader { return bytes.NewReader(data) },
			func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
			func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		} {
			got, err := readAllSized(r(), size)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("size %d: read %d bytes (err %v), want %d", size, len(got), err, len(data))
			}
		}
	}
	boom := errors.New("disk gone")
	if _, err := readAllSized(iotest.ErrReader(boom), 100); !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
}
