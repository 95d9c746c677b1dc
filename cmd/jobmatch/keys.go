package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
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

func (m *Main) keysCreate(ctx context.Context, args []string) error {
	fs := m.flags("keys create")
	var spec api.KeySpec
	role := fs.String("role", "", "portal, counselor or admin (required)")
	fs.StringVar(&spec.District, "district", "", "counselors: the district whose graduates they serve (required for counselor)")
	fs.StringVar(&spec.Source, "source", "", "portals: the post source they write (required for portal)")
	fs.StringVar(&spec.Name, "name", "", "a label for people: who holds the key")
	fs.DurationVar(&spec.TTL, "expires", 0, "lifetime, e.g. 720h (default: never expires)")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("keys create: unexpected argument %q", pos[0])}
	}
	if *role == "" {
		return &usageError{"keys create: --role portal|counselor|admin is required"}
	}
	spec.Role = matcher.Role(*role)
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	secret, k, err := api.CreateKey(ctx, st, spec, time.Now())
	if err != nil {
		return err
	}
	// The secret goes to standard output alone (for scripts); it is not
	// stored and cannot be shown again.
	fmt.Fprintln(m.Stdout, secret)
	fmt.Fprintf(m.Stderr, "created key %s (%s%s); the secret above is shown only once\n", k.ID, k.Role, scope(k))
	return nil
}

func (m *Main) keysRevoke(ctx context.Context, args []string) error {
	fs := m.flags("keys revoke")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"keys revoke: want exactly one key ID (see jobmatch keys list)"}
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	if err := st.RevokeKey(ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "revoked key %s (replicas stop accepting it within seconds)\n", pos[0])
	return nil
}

func (m *Main) keysList(ctx context.Context, args []string) error {
	fs := m.flags("keys list")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := m.parse(fs, args); err != nil {
		return err
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	keys, err := st.ListKeys(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	if *asJSON {
		type keyView struct {
			matcher.APIKey
			Hash   []byte `json:"hash,omitempty"` // shadows the hash: never printed
			Status string `json:"status"`
		}
		out := make([]keyView, len(keys))
		for i, k := range keys {
			out[i] = keyView{APIKey: k, Status: keyStatus(&k, now)}
		}
		return writeJSON(m.Stdout, out)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tSCOPE\tCREATED\tEXPIRES\tSTATUS")
	for _, k := range keys {
		exp := "never"
		if !k.ExpiresAt.IsZero() {
			exp = k.ExpiresAt.Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, strings.TrimSpace(scope(&k)), k.CreatedAt.Format(time.DateTime), exp, keyStatus(&k, now))
	}
	return tw.Flush()
}

func scope(k *matcher.APIKey) string {
	switch {
	case k.District != "":
		return " " + k.District
	case k.Source != "":
		return " " + k.Source
	}
	return ""
}

func keyStatus(k *matcher.APIKey, now time.Time) string {
	switch {
	case !k.RevokedAt.IsZero():
		return "revoked"
	case !k.Active(now):
		return "expired"
	}
	return "active"
}

// demoKey creates a fresh demo key of the given role (a counselor's for
// district) and returns its secret. Secrets are stored only as hashes, so an
// earlier demo's key cannot be shown again: it is revoked, and a new one
// (valid for a week) replaces it. The demo makes its keys itself because
// `jobmatch keys` cannot open the embedded store while the demo serves it.
func (m *Main) demoKey(ctx context.Context, role matcher.Role, district string) (string, error) {
	st, err := m.openStore(ctx)
	if err != nil {
		return "", err
	}
	keys, err := st.ListKeys(ctx)
	if err != nil {
		return "", err
	}
	name := demoKeyName + "-" + string(role)
	now := time.Now()
	for _, k := range keys {
		if k.Name == name && k.Active(now) {
			if err := st.RevokeKey(ctx, k.ID); err != nil {
				return "", err
			}
		}
	}
	secret, _, err := api.CreateKey(ctx, st, api.KeySpec{Name: name, Role: role, District: district, TTL: 7 * 24 * time.Hour}, now)
	return secret, err
}

const demoKeyName = "demo"
