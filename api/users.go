package api

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/urumqi-hrss/jobmatch/api/password"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// UserSpec is what an administrator asks for when creating an account
// (`jobmatch users create`, and POST /v1/users as its body).
type UserSpec struct {
	Name     string       `json:"name"` // what they sign in with: letters, digits, . _ -
	FullName string       `json:"full_name"`
	Role     matcher.Role `json:"role"`     // counselor or admin
	District string       `json:"district"` // counselors: one of Urumqi's districts
	Contact  string       `json:"contact"`
	Password string       `json:"password"`
}

// validUserName: see plainName; at least 2 characters.
func validUserName(s string) bool { return plainName(s, 2) }

// CheckUserSpec says what is wrong with spec, as CreateUser would, without
// hashing or storing anything (the CLI checks its flags first).
func CheckUserSpec(spec UserSpec) error {
	_, err := userFromSpec(spec)
	return err
}

func userFromSpec(spec UserSpec) (*matcher.User, error) {
	name := strings.TrimSpace(spec.Name)
	if !validUserName(name) {
		return nil, invalidField("name", "用户名「%s」无效：应为 2–64 个字母、数字或 . _ -", "the user name %q is not valid: 2 to 64 letters, digits, '.', '_' or '-'", clip(spec.Name))
	}
	u := &matcher.User{Name: name, FullName: strings.TrimSpace(spec.FullName), Role: spec.Role, Contact: strings.TrimSpace(spec.Contact)}
	switch spec.Role {
	case matcher.RoleCounselor:
		d, err := counselorDistrict(spec.District, "账号", "account")
		if err != nil {
			return nil, err
		}
		u.District = d
	case matcher.RoleAdmin:
		if spec.District != "" {
			return nil, invalidField("district", "只有就业指导员账号限定区（县）", "only counselor accounts are scoped to a district")
		}
	case "":
		return nil, invalidField("role", "缺少角色：应为 counselor（就业指导员）或 admin（管理员）", "the role is missing: want counselor or admin")
	default:
		return nil, invalidField("role", "账号角色「%s」无效：应为 counselor（就业指导员）或 admin（管理员）；门户和脚本用 API 密钥", "an account's role %q is not valid: want counselor or admin (portals and scripts use API keys)", clip(string(spec.Role)))
	}
	if !plainText(u.FullName, 64) {
		return nil, invalidField("full_name", "姓名不超过 64 字，且不含控制字符或格式字符", "the full name is at most 64 characters, without control or format characters")
	}
	if !plainText(u.Contact, 64) {
		return nil, invalidField("contact", "联系方式不超过 64 字，且不含控制字符或格式字符", "the contact is at most 64 characters, without control or format characters")
	}
	if err := password.CheckStrength(spec.Password, u.Name, u.FullName); err != nil {
		return nil, passwordError(err)
	}
	return u, nil
}

func passwordError(err error) error {
	if errors.Is(err, password.ErrWeak) {
		// The reason is the estimator's, never the password.
		return invalidField("password", "密码太容易被猜中（常见密码、键盘顺序、重复或连续字符、年份，或含用户名）：请用几个不相关的词组成更长的密码", "the password is too easy to guess (a common password, a keyboard run, repeated or sequential characters, a year, or the user name): use a longer phrase of unrelated words")
	}
	// Check's other reasons are all about the length or the encoding.
	return invalidField("password", "密码应为 %d–%d 个字符的文本", "the password must be %d to %d characters of text", password.MinLength, password.MaxLength)
}

// CreateUser validates spec, hashes the password (argon2id) and stores the
// account.
func CreateUser(ctx context.Context, us matcher.UserStore, spec UserSpec) (*matcher.User, error) {
	u, err := userFromSpec(spec)
	if err != nil {
		return nil, err
	}
	if u.PasswordHash, err = password.Hash(spec.Password, password.Default); err != nil {
		return nil, err
	}
	u.PasswordAt = time.Now().UTC()
	if err := us.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// DisableUser stops an account from signing in and ends its sessions.
func DisableUser(ctx context.Context, us matcher.UserStore, name string) (*matcher.User, error) {
	u, err := us.UserByName(ctx, name)
	if err != nil {
		return nil, err
	}
	if !u.Disabled() {
		u.DisabledAt = time.Now().UTC()
		if err := us.UpdateUser(ctx, u); err != nil {
			return nil, err
		}
	}
	if _, err := us.DeleteUserSessions(ctx, u.ID); err != nil {
		return nil, fmt.Errorf("end %s's sessions: %w", name, err)
	}
	return u, nil
}

// ResetPassword sets a new password (which also enables a disabled
// account) and ends the account's sessions.
func ResetPassword(ctx context.Context, us matcher.UserStore, name, pw string) (*matcher.User, error) {
	if err := password.Check(pw); err != nil {
		return nil, passwordError(err)
	}
	u, err := us.UserByName(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := password.CheckStrength(pw, u.Name, u.FullName); err != nil {
		return nil, passwordError(err)
	}
	if u.PasswordHash, err = password.Hash(pw, password.Default); err != nil {
		return nil, err
	}
	u.PasswordAt, u.DisabledAt = time.Now().UTC(), time.Time{}
	if err := us.UpdateUser(ctx, u); err != nil {
		return nil, err
	}
	if _, err := us.DeleteUserSessions(ctx, u.ID); err != nil {
		return nil, fmt.Errorf("end %s's sessions: %w", name, err)
	}
	return u, nil
}

// NewPassword returns a random password for an account made without one:
// 16 characters from an alphabet without look-alikes (about 90 bits).
func NewPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// UserView is an account as the admin routes and `jobmatch users` show it:
// never its password hash.
type UserView struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	FullName   string       `json:"full_name,omitempty"`
	Role       matcher.Role `json:"role"`
	District   string       `json:"district,omitempty"`
	Contact    string       `json:"contact,omitempty"`
	CreatedAt  time.Time    `json:"created_at"`
	PasswordAt *time.Time   `json:"password_at,omitempty"`
	DisabledAt *time.Time   `json:"disabled_at,omitempty"`
	Status     string       `json:"status"` // active or disabled
}

// ViewUser is u without its hash.
func ViewUser(u *matcher.User) UserView {
	v := UserView{ID: u.ID, Name: u.Name, FullName: u.FullName, Role: u.Role, District: u.District, Contact: u.Contact,
		CreatedAt: u.CreatedAt, PasswordAt: timePtr(u.PasswordAt), DisabledAt: timePtr(u.DisabledAt), Status: "active"}
	if u.Disabled() {
		v.Status = "disabled"
	}
	return v
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var spec UserSpec
	if err := s.readInput(w, r, &spec, "id", "password_hash", "created_at", "disabled_at", "status"); err != nil {
		return err
	}
	release, err := s.hashSlot(w, r)
	if err != nil {
		return err
	}
	u, err := CreateUser(r.Context(), s.stores.Users, spec)
	release()
	if err != nil {
		return err
	}
	return s.auditedJSON(w, r, "user.create", u.ID+" "+u.Name+" "+string(u.Role), http.StatusCreated, map[string]any{"user": ViewUser(u)})
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.stores.Users.ListUsers(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"users": viewsOf(us, ViewUser)})
}

func pathUserName(r *http.Request) (string, error) {
	name := mux.Vars(r)["name"]
	if !validUserName(name) {
		return "", errHidden("用户", name)
	}
	return name, nil
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) error {
	name, err := pathUserName(r)
	if err != nil {
		return err
	}
	u, err := DisableUser(r.Context(), s.stores.Users, name)
	if err != nil {
		return err
	}
	return s.auditedJSON(w, r, "user.disable", u.ID+" "+u.Name, http.StatusOK, map[string]any{"user": ViewUser(u)})
}

// passwordRequest is the body of POST /v1/users/{name}/password.
type passwordRequest struct {
	Password string `json:"password"`
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	name, err := pathUserName(r)
	if err != nil {
		return err
	}
	var req passwordRequest
	if err := s.readInput(w, r, &req); err != nil {
		return err
	}
	release, err := s.hashSlot(w, r)
	if err != nil {
		return err
	}
	u, err := ResetPassword(r.Context(), s.stores.Users, name, req.Password)
	release()
	if err != nil {
		return err
	}
	return s.auditedJSON(w, r, "user.password", u.ID+" "+u.Name, http.StatusOK, map[string]any{"user": ViewUser(u)})
}

// The account and session routes' shapes, added to the document's
// components.
func init() {
	view := obj(map[string]any{"id": str, "name": str, "full_name": str, "role": str, "district": str, "contact": str,
		"created_at": stamp, "password_at": stampOpt, "disabled_at": stampOpt,
		"status": map[string]any{"type": "string", "enum": []string{"active", "disabled"}}})
	pw := map[string]any{"type": "string", "minLength": password.MinLength, "maxLength": password.MaxLength}
	schemas["SignIn"] = obj(map[string]any{"name": str, "password": str}, "name", "password")
	schemas["User"] = view
	schemas["UserRequest"] = obj(map[string]any{
		"name": map[string]any{"type": "string", "pattern": "^[A-Za-z0-9._-]{2,64}$"}, "full_name": str, "contact": str,
		"role":     map[string]any{"type": "string", "enum": []string{"counselor", "admin"}},
		"district": map[string]any{"type": "string", "description": "counselors: one of Urumqi's districts"},
		"password": pw,
	}, "name", "role", "password")
	schemas["UserCreated"] = obj(map[string]any{"user": ref("User")})
	schemas["UserList"] = obj(map[string]any{"users": arrayOf(ref("User"))})
	schemas["PasswordReset"] = obj(map[string]any{"password": pw}, "password")
}
