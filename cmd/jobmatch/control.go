package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/urumqi-hrss/jobmatch/api"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Local control: `jobmatch keys` while `serve` (or the demo) holds the
// embedded store. bbolt locks the file, so the CLI cannot open the store;
// instead the serving process makes an admin key of its own ("local-cli",
// valid 24 h, renewed every 12 h, revoked when it stops) and writes it,
// with its address and its certificate's fingerprint, to a control file
// in the user's state directory (not in the data directory, readable by
// the user only). `jobmatch keys create|list|revoke --data DIR` finds the
// file of DIR and calls the admin key routes with it. With PostgreSQL the
// CLI opens the store itself; --server URL with JOBMATCH_ADMIN_KEY calls
// any running server, local or not.

// controlFile is what the serving process writes.
type controlFile struct {
	URL        string `json:"url"`
	Key        string `json:"key"`
	KeyID      string `json:"key_id"`
	PID        int    `json:"pid"`
	CertSHA256 string `json:"cert_sha256,omitempty"`
}

const localCLIKeyName = "local-cli"

// stateDir is where jobmatch keeps per-user state: the demo's data keys
// and the control files of running servers. JOBMATCH_STATE_DIR overrides
// it (tests; a machine without a home).
func stateDir() (string, error) {
	if d := os.Getenv("JOBMATCH_STATE_DIR"); d != "" {
		return d, nil
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no configuration directory for jobmatch's state (set JOBMATCH_STATE_DIR): %w", err)
	}
	return filepath.Join(cfg, "jobmatch"), nil
}

// cacheDirEnv names the directory of what jobmatch caches for every data
// directory of a user (the segmenter's compiled dictionary); without it,
// the user's cache directory's "jobmatch".
const cacheDirEnv = "JOBMATCH_CACHE_DIR"

// sharedCacheDir is that directory, or "" when the user has none (no
// HOME): the caches then live in the data directory only.
func sharedCacheDir() string {
	if d := os.Getenv(cacheDirEnv); d != "" {
		return d
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(c, "jobmatch")
}

// statePath is the file of kind (a subdirectory) for dataDir, named after
// the data directory's absolute path.
func statePath(kind, dataDir, ext string) (string, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return "", err
	}
	dir, err := stateDir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, kind, hex.EncodeToString(sum[:12])+ext), nil
}

// writePrivate writes b to path atomically, readable by the user only.
func writePrivate(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// startLocalControl makes the local admin key and writes the control file;
// stop revokes the key and removes the file.
func (m *Main) startLocalControl(ctx context.Context, st matcher.FullStore, addr net.Addr, useTLS bool, pin []byte) (stop func(), err error) {
	path, err := statePath("serve", m.DataDir, ".json")
	if err != nil {
		return nil, err
	}
	// Keys of an earlier run that did not stop cleanly.
	keys, err := st.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.Name == localCLIKeyName && k.Active(time.Now()) {
			if err := st.RevokeKey(ctx, k.ID); err != nil {
				return nil, err
			}
		}
	}
	url := localURL(addr, useTLS)
	var current string
	renew := func() error {
		secret, k, err := api.CreateKey(context.WithoutCancel(ctx), st, api.KeySpec{Name: localCLIKeyName, Role: matcher.RoleAdmin, TTL: 24 * time.Hour}, time.Now())
		if err != nil {
			return err
		}
		cf := controlFile{URL: url, Key: secret, KeyID: k.ID, PID: os.Getpid()}
		if pin != nil {
			cf.CertSHA256 = hex.EncodeToString(pin)
		}
		b, _ := json.MarshalIndent(cf, "", "  ")
		if err := writePrivate(path, b); err != nil {
			return fmt.Errorf("write the control file: %w", err)
		}
		if current != "" {
			st.RevokeKey(context.WithoutCancel(ctx), current)
		}
		current = k.ID
		return nil
	}
	if err := renew(); err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(12 * time.Hour)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := renew(); err != nil {
					m.Log.Warn("renewing the local control key failed", "err", err)
				}
			}
		}
	}()
	return func() {
		close(done)
		os.Remove(path)
		if err := st.RevokeKey(context.Background(), current); err != nil {
			m.Log.Warn("revoking the local control key failed", "err", err)
		}
	}, nil
}

// localURL is how this machine reaches a listener on addr.
func localURL(addr net.Addr, useTLS bool) string {
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// serverOrStore does one administrative operation (accounts, keys) where
// the data is: through the running server's API when there is one
// (--server, or a live `jobmatch serve` holding the embedded store's
// lock), else on the store directly.
func serverOrStore[T any](ctx context.Context, m *Main, server string,
	remote func(c *keyAPI) (T, error), local func(st matcher.FullStore) (T, error)) (T, error) {
	var zero T
	c, err := m.runningServer(server)
	if err != nil {
		return zero, err
	}
	if c != nil {
		return remote(c)
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return zero, err
	}
	return local(st)
}

// keyAPI is a client of a running server's admin key routes.
type keyAPI struct {
	base, key string
	client    *http.Client
}

// runningServer finds the server to manage keys through: --server URL
// (with JOBMATCH_ADMIN_KEY), else the control file of a live process
// serving the embedded store under --data. nil when there is none.
func (m *Main) runningServer(server string) (*keyAPI, error) {
	if server != "" {
		key := os.Getenv("JOBMATCH_ADMIN_KEY")
		if key == "" {
			return nil, &usageError{"--server needs an admin key in JOBMATCH_ADMIN_KEY"}
		}
		return &keyAPI{base: server, key: key, client: &http.Client{Timeout: 30 * time.Second}}, nil
	}
	if m.DBURL != "" {
		return nil, nil
	}
	path, err := statePath("serve", m.DataDir, ".json")
	if err != nil {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var cf controlFile
	if err := json.Unmarshal(b, &cf); err != nil || cf.PID <= 0 || syscall.Kill(cf.PID, 0) != nil {
		return nil, nil // not a live server's: the store is free
	}
	c := &keyAPI{base: cf.URL, key: cf.Key, client: &http.Client{Timeout: 30 * time.Second}}
	if cf.CertSHA256 != "" {
		pin, err := hex.DecodeString(cf.CertSHA256)
		if err != nil {
			return nil, fmt.Errorf("control file %s: %w", path, err)
		}
		// Exactly the certificate the server loaded, whatever names it
		// carries: the file says which.
		c.client.Transport = &http.Transport{TLSClientConfig: &tls.Config{
			InsecureSkipVerify: true,
			VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
				if len(raw) == 0 {
					return errors.New("no certificate")
				}
				sum := sha256.Sum256(raw[0])
				if !bytes.Equal(sum[:], pin) {
					return errors.New("the server's certificate is not the one in the control file")
				}
				return nil
			},
		}}
	}
	return c, nil
}

// call sends a request to the admin key routes and decodes a JSON answer
// into out (when not nil); an error answer becomes its message.
func (c *keyAPI) call(ctx context.Context, method, path string, body, out any) error {
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("the running server at %s: %w", c.base, err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		var p struct {
			Message   string `json:"message_en"`
			MessageZH string `json:"message"`
		}
		json.NewDecoder(res.Body).Decode(&p)
		return fmt.Errorf("the running server at %s answered %s: %s", c.base, strconv.Itoa(res.StatusCode), p.Message)
	}
	if out != nil {
		return json.NewDecoder(res.Body).Decode(out)
	}
	return nil
}
