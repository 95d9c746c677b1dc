package api

import (
	"fmt"
	"net/http"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// SetPolicy applies p to every request from now on: the casework (plans,
// subsidies, the dashboard) and the engine's rules (issue 9, item 8: next
// year's plan without a restart). p is checked first (matcher.CheckPolicy);
// when it is refused nothing changes. A request under way finishes under
// the policy it started with.
func (s *Server) SetPolicy(p catalog.Policy) error {
	if err := s.casework.SetPolicy(p); err != nil {
		return err
	}
	s.engine.SetPolicy(p)
	return nil
}

// PolicyReloaded is the answer of POST /v1/policy/reload.
type PolicyReloaded struct {
	Year   int    `json:"year"`
	Source string `json:"source"`
}

// reloadPolicy reads the policy again (Config.ReloadPolicy), audits the
// reload and applies it. A file that does not load or validate is refused
// with its error and the policy in force stays.
func (s *Server) reloadPolicy(w http.ResponseWriter, r *http.Request) error {
	// The policy comes from where the server was started with (--policy),
	// never from the request: a path or a policy sent along is refused,
	// not silently ignored.
	if _, err := query(r, nil); err != nil {
		return err
	}
	if r.ContentLength != 0 {
		return invalidField("body", "重新读取政策不接受请求内容：政策文件由服务启动时的 --policy 指定", "a policy reload takes no body: the policy file is the one serve was started with (--policy)")
	}
	if s.cfg.ReloadPolicy == nil {
		return matcher.Errorf(matcher.ECONFLICT, "此服务未配置可重新读取的政策文件", "this server has no policy source to reload")
	}
	p, err := s.cfg.ReloadPolicy()
	if err != nil {
		return &matcher.Error{Code: matcher.EINVALID, Field: "policy", Message: "政策文件未能读取或校验：" + err.Error(), MessageEN: "the policy did not load or validate: " + err.Error()}
	}
	if err := matcher.CheckPolicy(&p); err != nil {
		return &matcher.Error{Code: matcher.EINVALID, Field: "policy", Message: "政策文件未通过校验：" + err.Error(), MessageEN: "the policy did not validate: " + err.Error()}
	}
	// Audited before it applies: a reload nobody can account for never
	// takes effect.
	if err := s.audit(r, "policy.reload", fmt.Sprintf("%d %s", p.Year, p.Source), ""); err != nil {
		return err
	}
	if err := s.SetPolicy(p); err != nil {
		return err
	}
	s.log.Info("policy reloaded", "year", p.Year)
	return writeJSON(w, http.StatusOK, PolicyReloaded{Year: p.Year, Source: p.Source})
}
