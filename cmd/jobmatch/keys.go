package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/api"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

func (m *Main) cmdKeys(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return &usageError{"keys: want create, revoke, list or rotate-data-key"}
	}
	switch args[0] {
	case "create":
		return m.keysCreate(ctx, args[1:])
	case "revoke":
		return m.keysRevoke(ctx, args[1:])
	case "list":
		return m.keysList(ctx, args[1:])
	case "rotate-data-key":
		return m.keysRotateDataKey(ctx, args[1:])
	}
	return &usageError{fmt.Sprintf("keys: unknown action %q: want create, revoke, list or rotate-data-key", args[0])}
}

// serverFlag adds --server to a keys command: manage keys through a
// running server's admin routes (with JOBMATCH_ADMIN_KEY). Without it, a
// server running on the embedded store under --data is found by its
// control file (control.go), and otherwise the store is opened directly.
func serverFlag(fs *flag.FlagSet) *string {
	return fs.String("server", os.Getenv("JOBMATCH_SERVER"), "manage keys through the server at this URL (e.g. https://jobmatch.example:8443) with the admin key in JOBMATCH_ADMIN_KEY")
}

func (m *Main) keysCreate(ctx context.Context, args []string) error {
	fs := m.flags("keys create")
	server := serverFlag(fs)
	var spec api.KeySpec
	role := fs.String("role", "", "portal, counselor or admin (required)")
	fs.StringVar(&spec.District, "district", "", "counselors: the district whose graduates they serve (required for counselor)")
	fs.StringVar(&spec.Source, "source", "", "portals: the post source they write (required for portal)")
	fs.StringVar(&spec.Name, "name", "", "a label for people: who holds the key")
	fs.DurationVar(&spec.TTL, "expires", 0, "lifetime, e.g. 720h (default: never expires)")
	fs.Float64Var(&spec.Rate, "rate", 0, "requests a second this key may make (default 0: the server's --rate)")
	fs.IntVar(&spec.Burst, "burst", 0, "requests this key may make at once (default 0: the server's --burst)")
	if err := m.parseNoArgs(fs, args, "keys create"); err != nil {
		return err
	}
	spec.Role = matcher.Role(strings.TrimSpace(*role))
	// The flags are checked before any store or server is touched: a
	// missing or wrong role, district or source is a usage error (exit 2)
	// whose message names the flag and what it must be, in both languages.
	if err := api.CheckKeySpec(spec); err != nil {
		return &usageError{"keys create" + flagMessage(err)}
	}
	created, err := serverOrStore(ctx, m, *server, func(c *keyAPI) (createdKey, error) {
		req := map[string]any{"role": spec.Role, "name": spec.Name, "district": spec.District, "source": spec.Source, "rate": spec.Rate, "burst": spec.Burst}
		if spec.TTL > 0 {
			req["expires_in"] = spec.TTL.String()
		}
		var out createdKey
		err := c.call(ctx, "POST", "/v1/keys", req, &out)
		return out, err
	}, func(st matcher.FullStore) (createdKey, error) {
		secret, k, err := api.CreateKey(ctx, st, spec, time.Now())
		if err != nil {
			return createdKey{}, err
		}
		return createdKey{Secret: secret, Key: api.ViewKey(k, time.Now())}, nil
	})
	if err != nil {
		return err
	}
	secret, view := created.Secret, created.Key
	// The secret goes to standard output alone (for scripts); it is not
	// stored and cannot be shown again.
	fmt.Fprintln(m.Stdout, secret)
	fmt.Fprintf(m.Stderr, "created key %s (%s%s, %s); the secret above is shown only once\n", view.ID, view.Role, scope(view), limitText(view))
	return nil
}

func (m *Main) keysRevoke(ctx context.Context, args []string) error {
	fs := m.flags("keys revoke")
	server := serverFlag(fs)
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"keys revoke: want exactly one key ID (see jobmatch keys list)"}
	}
	_, err = serverOrStore(ctx, m, *server, func(c *keyAPI) (any, error) {
		return nil, c.call(ctx, "DELETE", "/v1/keys/"+pos[0], nil, nil)
	}, func(st matcher.FullStore) (any, error) {
		return nil, st.RevokeKey(ctx, pos[0])
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "revoked key %s (refused at once by the server that revoked it, within seconds by the others)\n", pos[0])
	return nil
}

func (m *Main) keysList(ctx context.Context, args []string) error {
	fs := m.flags("keys list")
	server := serverFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := m.parse(fs, args); err != nil {
		return err
	}
	keys, err := serverOrStore(ctx, m, *server, func(c *keyAPI) ([]api.KeyView, error) {
		var out struct {
			Keys []api.KeyView `json:"keys"`
		}
		err := c.call(ctx, "GET", "/v1/keys", nil, &out)
		return out.Keys, err
	}, func(st matcher.FullStore) ([]api.KeyView, error) {
		stored, err := st.ListKeys(ctx)
		var keys []api.KeyView
		for i := range stored {
			keys = append(keys, api.ViewKey(&stored[i], time.Now()))
		}
		return keys, err
	})
	if err != nil {
		return err
	}
	if *asJSON {
		if keys == nil {
			keys = []api.KeyView{}
		}
		return writeJSON(m.Stdout, keys)
	}
	rows := [][]string{{"ID", "NAME", "ROLE", "SCOPE", "LIMIT", "CREATED", "EXPIRES", "STATUS"}}
	for _, k := range keys {
		exp := "never"
		if k.ExpiresAt != nil {
			exp = k.ExpiresAt.Local().Format(time.DateTime)
		}
		rows = append(rows, []string{k.ID, k.Name, string(k.Role), strings.TrimSpace(scope(k)), limitText(k),
			k.CreatedAt.Local().Format(time.DateTime), exp, string(k.Status)})
	}
	return writeTable(m.Stdout, rows)
}

func scope(k api.KeyView) string {
	switch {
	case k.District != "":
		return " " + k.District
	case k.Source != "":
		return " " + k.Source
	}
	return ""
}

// limitText is a key's request limit as people read it.
func limitText(k api.KeyView) string {
	if k.Rate == 0 && k.Burst == 0 {
		return "default rate"
	}
	r, b := "default", "default"
	if k.Rate != 0 {
		r = fmt.Sprintf("%g/s", k.Rate)
	}
	if k.Burst != 0 {
		b = fmt.Sprint(k.Burst)
	}
	return fmt.Sprintf("%s, burst %s", r, b)
}

// flagMessage is a validation error as a command line says it: the flag,
// the Chinese message and the English one.
func flagMessage(err error) string {
	var me *matcher.Error
	if !errors.As(err, &me) {
		return ": " + err.Error()
	}
	flag := ""
	if me.Field != "" {
		flag = " --" + me.Field
	}
	return fmt.Sprintf("%s: %s (%s)", flag, me.Message, me.MessageEN)
}

// createdKey is POST /v1/keys's answer: the secret, shown once, and the key.
type createdKey struct {
	Secret string      `json:"secret"`
	Key    api.KeyView `json:"key"`
}
