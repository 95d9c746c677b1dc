package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/api"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// cmdUsers manages people's accounts: the same operations as the admin
// routes /v1/users, on the store directly or through a running server
// (like keys: --server URL, or the control file of a server on the
// embedded store).
func (m *Main) cmdUsers(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return &usageError{"users: want create, disable, reset-password or list"}
	}
	switch args[0] {
	case "create":
		return m.usersCreate(ctx, args[1:])
	case "disable":
		return m.usersDisable(ctx, args[1:])
	case "reset-password":
		return m.usersResetPassword(ctx, args[1:])
	case "list":
		return m.usersList(ctx, args[1:])
	}
	return &usageError{fmt.Sprintf("users: unknown action %q: want create, disable, reset-password or list", args[0])}
}

// readPassword takes the password from the first line of standard input
// (--password-stdin: never a flag, which other users see in ps), or makes
// one to be shown once.
func (m *Main) readPassword(fromStdin bool) (pw string, generated bool, err error) {
	if !fromStdin {
		return api.NewPassword(), true, nil
	}
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", false, &usageError{"--password-stdin: no password on standard input"}
	}
	return strings.TrimRight(line, "\r\n"), false, nil
}

func (m *Main) usersCreate(ctx context.Context, args []string) error {
	fs := m.flags("users create")
	server := serverFlag(fs)
	var spec api.UserSpec
	role := fs.String("role", "", "counselor or admin (required)")
	fs.StringVar(&spec.Name, "name", "", "what they sign in with: 2–64 letters, digits, . _ - (required)")
	fs.StringVar(&spec.District, "district", "", "counselors: the district whose graduates they serve (required for counselor)")
	fs.StringVar(&spec.FullName, "full-name", "", "their name as handouts and the workspace show it, e.g. 王芳")
	fs.StringVar(&spec.Contact, "contact", "", "their office phone, printed on handouts")
	stdin := fs.Bool("password-stdin", false, "read the password from standard input (default: make one and print it once)")
	if err := m.parseNoArgs(fs, args, "users create"); err != nil {
		return err
	}
	spec.Role = matcher.Role(strings.TrimSpace(*role))
	pw, generated, err := m.readPassword(*stdin)
	if err != nil {
		return err
	}
	spec.Password = pw
	if err := api.CheckUserSpec(spec); err != nil {
		return &usageError{"users create" + flagMessage(err)}
	}
	view, err := serverOrStore(ctx, m, *server, func(c *keyAPI) (api.UserView, error) {
		var out struct {
			User api.UserView `json:"user"`
		}
		err := c.call(ctx, "POST", "/v1/users", spec, &out)
		return out.User, err
	}, func(st matcher.FullStore) (api.UserView, error) {
		u, err := api.CreateUser(ctx, st, spec)
		if err != nil {
			return api.UserView{}, err
		}
		return api.ViewUser(u), nil
	})
	if err != nil {
		return err
	}
	m.reportPassword(pw, generated)
	fmt.Fprintf(m.Stderr, "created user %s (%s%s)\n", view.Name, view.Role, userScope(view))
	return nil
}

// reportPassword prints a password the command made, alone on standard
// output (for scripts), once.
func (m *Main) reportPassword(pw string, generated bool) {
	if generated {
		fmt.Fprintln(m.Stdout, pw)
		fmt.Fprintln(m.Stderr, "the password above is shown only once; only its argon2id hash is stored")
	}
}

func userScope(v api.UserView) string {
	if v.District != "" {
		return ", " + v.District
	}
	return ""
}

// oneName parses a users command that takes one account name.
func (m *Main) oneName(cmd string, args []string, withPassword bool) (name, server string, stdin bool, err error) {
	fs := m.flags(cmd)
	srv := serverFlag(fs)
	var fromStdin *bool
	if withPassword {
		fromStdin = fs.Bool("password-stdin", false, "read the new password from standard input (default: make one and print it once)")
	}
	pos, err := m.parse(fs, args)
	if err != nil {
		return "", "", false, err
	}
	if len(pos) != 1 {
		return "", "", false, &usageError{cmd + ": want exactly one user name (see jobmatch users list)"}
	}
	return pos[0], *srv, fromStdin != nil && *fromStdin, nil
}

func (m *Main) usersDisable(ctx context.Context, args []string) error {
	name, server, _, err := m.oneName("users disable", args, false)
	if err != nil {
		return err
	}
	_, err = serverOrStore(ctx, m, server, func(c *keyAPI) (any, error) {
		return nil, c.call(ctx, "POST", "/v1/users/"+name+"/disable", nil, nil)
	}, func(st matcher.FullStore) (any, error) {
		return api.DisableUser(ctx, st, name)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "disabled user %s: it cannot sign in, and its sessions have ended\n", name)
	return nil
}

func (m *Main) usersResetPassword(ctx context.Context, args []string) error {
	name, server, stdin, err := m.oneName("users reset-password", args, true)
	if err != nil {
		return err
	}
	pw, generated, err := m.readPassword(stdin)
	if err != nil {
		return err
	}
	_, err = serverOrStore(ctx, m, server, func(c *keyAPI) (any, error) {
		return nil, c.call(ctx, "POST", "/v1/users/"+name+"/password", map[string]any{"password": pw}, nil)
	}, func(st matcher.FullStore) (any, error) {
		return api.ResetPassword(ctx, st, name, pw)
	})
	if err != nil {
		return err
	}
	m.reportPassword(pw, generated)
	fmt.Fprintf(m.Stderr, "new password for %s; its sessions have ended\n", name)
	return nil
}

func (m *Main) usersList(ctx context.Context, args []string) error {
	fs := m.flags("users list")
	server := serverFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := m.parse(fs, args); err != nil {
		return err
	}
	users, err := serverOrStore(ctx, m, *server, func(c *keyAPI) ([]api.UserView, error) {
		var out struct {
			Users []api.UserView `json:"users"`
		}
		err := c.call(ctx, "GET", "/v1/users", nil, &out)
		return out.Users, err
	}, func(st matcher.FullStore) ([]api.UserView, error) {
		stored, err := st.ListUsers(ctx)
		var users []api.UserView
		for i := range stored {
			users = append(users, api.ViewUser(&stored[i]))
		}
		return users, err
	})
	if err != nil {
		return err
	}
	if *asJSON {
		if users == nil {
			users = []api.UserView{}
		}
		return writeJSON(m.Stdout, users)
	}
	rows := [][]string{{"NAME", "FULL NAME", "ROLE", "DISTRICT", "CREATED", "STATUS"}}
	for _, u := range users {
		rows = append(rows, []string{u.Name, u.FullName, string(u.Role), u.District, u.CreatedAt.Local().Format(time.DateTime), u.Status})
	}
	return writeTable(m.Stdout, rows)
}
