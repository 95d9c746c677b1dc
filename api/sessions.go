package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/urumqi-hrss/jobmatch/api/password"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// People sign in to the workspace with a name and a password (users.go);
// the server answers with a session: a random token in an HttpOnly,
// SameSite=Strict cookie (script cannot read it, other sites cannot send
// it), stored only as its SHA-256, and a CSRF token the page keeps in
// memory and sends as X-CSRF-Token on every request that changes
// something. A session ends after SessionIdle without a request, after
// SessionMax in any case, at sign-out, and when the account is disabled
// or its password reset. API keys (Authorization: Bearer) stay for
// portals and scripts; a request that carries one is judged by it alone.
const (
	SessionCookie = "jm_session"
	CSRFHeader    = "X-CSRF-Token"
	// touchEvery: a session's idle clock is written at most this often
	// (one store write a minute per person, not one per request).
	touchEvery = time.Minute
)

// dummyHash is verified against when a sign-in names no account, so an
// unknown name costs the same time as a wrong password. It is hashed once,
// when New starts the server (in the background) or at the first sign-in
// that needs it, not at package initialisation: every command links this
// package, and the hash took 20 MB and 0.1–0.6 s before any command began
// (GODEBUG=inittrace=1), `jobmatch ingest` included.
var dummyHash = sync.OnceValue(func() string {
	h, _ := password.Hash("not anyone's password", password.Default)
	return h
})

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// userPrincipal is the account as the rest of the API sees a caller: the
// same shape as a key, with an ID that says it is a person's session.
func userPrincipal(u *matcher.User) *matcher.APIKey {
	name := u.FullName
	if name == "" {
		name = u.Name
	}
	return &matcher.APIKey{ID: "user:" + u.ID, Name: name, Role: u.Role, District: u.District, CreatedAt: u.CreatedAt}
}

// sessionAuth finds the caller's session from the cookie, and the account
// it belongs to.
func (s *Server) sessionAuth(r *http.Request, c *http.Cookie) (*matcher.APIKey, *matcher.Session, *matcher.User, error) {
	gone := errUnauthorized("登录已失效，请重新登录", "the session is not valid: sign in again")
	if len(c.Value) != 43 {
		return nil, nil, nil, gone
	}
	ctx, h := r.Context(), tokenHash(c.Value)
	se, err := s.stores.Users.SessionByHash(ctx, h)
	if matcher.ErrorCode(err) == matcher.ENOTFOUND {
		return nil, nil, nil, gone
	} else if err != nil {
		return nil, nil, nil, fmt.Errorf("look up session: %w", err)
	}
	now := s.wall()
	if now.Sub(se.SeenAt) > s.cfg.SessionIdle || now.Sub(se.CreatedAt) > s.cfg.SessionMax {
		if err := s.stores.Users.DeleteSession(ctx, h); err != nil {
			return nil, nil, nil, fmt.Errorf("end an expired session: %w", err)
		}
		return nil, nil, nil, errUnauthorized("登录已超时，请重新登录", "the session has timed out: sign in again")
	}
	u, err := s.stores.Users.User(ctx, se.UserID)
	if matcher.ErrorCode(err) == matcher.ENOTFOUND {
		return nil, nil, nil, gone
	} else if err != nil {
		return nil, nil, nil, fmt.Errorf("look up session user: %w", err)
	}
	if u.Disabled() {
		return nil, nil, nil, errUnauthorized("账号已停用", "the account is disabled")
	}
	if now.Sub(se.SeenAt) >= touchEvery {
		if err := s.stores.Users.TouchSession(ctx, h, now); err != nil {
			return nil, nil, nil, fmt.Errorf("touch session: %w", err)
		}
	}
	return userPrincipal(u), se, u, nil
}

// principal authenticates a request: by its key when it carries an
// Authorization header, else by its session cookie (then the account is
// returned too: a handout names the person signed in, with their contact).
// throttle and now are the failed-authentication throttle's name for the
// client and the time (authenticate charges it before a key's look-up).
func (s *Server) principal(r *http.Request, throttle string, now time.Time) (*matcher.APIKey, *matcher.Session, *matcher.User, error) {
	if r.Header.Get("Authorization") == "" {
		if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			return s.sessionAuth(r, c)
		}
	}
	k, err := s.authenticate(r, throttle, now)
	return k, nil, nil, err
}

// checkCSRF refuses a state-changing request of a session without its
// CSRF token. Requests with a key need none: no browser sends a key on its
// own.
func checkCSRF(r *http.Request, se *matcher.Session) error {
	if se == nil {
		return nil
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(se.CSRF)) != 1 {
		return matcher.Errorf(matcher.EFORBIDDEN, "请求缺少有效的 CSRF 令牌（请刷新页面后重试）", "the request lacks the session's CSRF token (reload the page and retry)")
	}
	return nil
}

// signInRequest is the body of POST /v1/session.
type signInRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// signIn is POST /v1/session. Failures are throttled per client address
// (as failed keys are), per account name and client, and per account name
// (signin_throttle.go), and say the same thing whether the name or the
// password was wrong.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	// No answer of sign-in is kept by a cache, its refusals included (the
	// route is open, so the middleware's no-store is not set for it).
	w.Header().Set("Cache-Control", "no-store")
	var req signInRequest
	if err := s.readInput(w, r, &req); err != nil {
		return err
	}
	info, now := infoFrom(r), s.wall()
	name := strings.ToLower(strings.TrimSpace(req.Name))
	// Each attempt is charged before the password is checked and refunded
	// if it was right: attempts sent at once cannot all pass the throttle
	// while none has failed yet. What it is charged to is such that no
	// attacker can keep the name's owner out (signin_throttle.go).
	ok, wait, refund := s.reserveSignIn(r, throttleKey(info.client), name, now)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
		s.metrics.authThrottled.Inc()
		return matcher.Errorf(matcher.ETOOMANY, "登录失败次数过多，请稍后再试", "too many failed sign-ins: retry later")
	}
	release, err := s.hashSlot(w, r)
	if err != nil {
		refund()
		return err
	}
	u, err := s.checkPassword(r, strings.TrimSpace(req.Name), req.Password)
	release()
	if matcher.ErrorCode(err) != matcher.EUNAUTHORIZED {
		refund()
	}
	if err != nil {
		if matcher.ErrorCode(err) == matcher.EUNAUTHORIZED {
			s.auditRefusal(r, "session.refused", "", "")
		}
		return err
	}
	// The session the browser still carried, if any, ends here: the new
	// one never inherits a token set before sign-in (session fixation),
	// and no session is left behind when people switch accounts.
	if c, err := r.Cookie(SessionCookie); err == nil && len(c.Value) == 43 {
		if err := s.stores.Users.DeleteSession(r.Context(), tokenHash(c.Value)); err != nil {
			return fmt.Errorf("end the previous session: %w", err)
		}
	}
	token := randomToken()
	se := &matcher.Session{Hash: tokenHash(token), UserID: u.ID, CSRF: randomToken(), CreatedAt: now.UTC(), SeenAt: now.UTC()}
	if err := s.stores.Users.CreateSession(r.Context(), se); err != nil {
		return fmt.Errorf("store session: %w", err)
	}
	info.key, info.session, info.user = userPrincipal(u), se, u
	if err := s.audit(r, "session.signin", u.Name, ""); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.viaHTTPS(r),
		SameSite: http.SameSiteStrictMode, MaxAge: int(s.cfg.SessionMax / time.Second)})
	s.rememberDevice(w, r, name)
	return writeJSON(w, http.StatusOK, s.me(info.key, se))
}

// passwordQueueWait is how long a password check waits for a slot
// (Config.MaxConcurrentPasswordChecks) before the request is answered 503.
const passwordQueueWait = 5 * time.Second

// hashSlot takes one of the password-hashing slots: argon2id takes 19 MiB
// a check, so sign-ins sent at once from many addresses (which no
// throttle holds back) must not each take theirs at the same time. The
// returned function gives the slot back.
func (s *Server) hashSlot(w http.ResponseWriter, r *http.Request) (func(), error) {
	t := time.NewTimer(passwordQueueWait)
	defer t.Stop()
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots }, nil
	case <-t.C:
		w.Header().Set("Retry-After", "1")
		return nil, errBusy()
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
}

// checkPassword returns the account name signs in to with pw.
func (s *Server) checkPassword(r *http.Request, name, pw string) (*matcher.User, error) {
	wrong := errUnauthorized("用户名或密码错误", "wrong user name or password")
	if !validUserName(name) || len(pw) > 4*password.MaxLength {
		password.Verify(dummyHash(), pw)
		return nil, wrong
	}
	u, err := s.stores.Users.UserByName(r.Context(), name)
	if matcher.ErrorCode(err) == matcher.ENOTFOUND {
		password.Verify(dummyHash(), pw)
		return nil, wrong
	} else if err != nil {
		return nil, fmt.Errorf("look up user: %w", err)
	}
	switch err := password.Verify(u.PasswordHash, pw); {
	case errors.Is(err, password.ErrMismatch):
		return nil, wrong
	case err != nil:
		return nil, fmt.Errorf("user %s: %w", u.Name, err)
	}
	if u.Disabled() {
		return nil, errUnauthorized("账号已停用，请联系管理员", "the account is disabled: ask an administrator")
	}
	if password.NeedsRehash(u.PasswordHash, password.Default) {
		if h, err := password.Hash(pw, password.Default); err == nil {
			u.PasswordHash = h
			if err := s.stores.Users.UpdateUser(r.Context(), u); err != nil {
				s.log.Warn("rehashing a password failed", "user", u.ID, "err", err)
			}
		}
	}
	return u, nil
}

// signOut is DELETE /v1/session: the session ends in the store, the
// cookie is emptied, and the browser is told to drop what it kept for the
// site (Clear-Site-Data), besides the page clearing itself.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	info := infoFrom(r)
	if info.session == nil {
		return matcher.Errorf(matcher.EINVALID, "这是 API 密钥的请求，没有登录会话可退出", "this request uses an API key: there is no session to end")
	}
	if err := s.stores.Users.DeleteSession(r.Context(), info.session.Hash); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	if err := s.audit(r, "session.signout", "", ""); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.viaHTTPS(r),
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// me is who the caller is, as GET /v1/me and a sign-in answer it; a
// session's answer carries its CSRF token and its timeouts.
func (s *Server) me(k *matcher.APIKey, se *matcher.Session) map[string]any {
	out := map[string]any{"key_id": k.ID, "name": k.Name, "role": k.Role, "district": k.District, "via": "key"}
	if se != nil {
		out["via"] = "session"
		out["csrf_token"] = se.CSRF
		out["idle_timeout_seconds"] = int(s.cfg.SessionIdle / time.Second)
		out["expires_at"] = se.CreatedAt.Add(s.cfg.SessionMax).UTC()
	}
	return out
}
