package api

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"path"
	"reflect"

	"github.com/urumqi-hrss/jobmatch/api/render"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

// This file holds the 一人一策 handout's endpoints (issue 12 item 2): one
// graduate's handout as JSON (the workspace's print view renders it) and
// as PDF, a district's 一人一策 graduates' handouts likewise, and their
// plans as XLSX. They follow the casework endpoints' rules: people only,
// a counselor reaches only their district, every graduate served is
// audited before anything is written.

var (
	handoutPs   = []param{districtP, {"limit", "integer", "at most this many graduates, 1–2000 (default 500), in the caseload's order"}}
	maxHandouts = 2000
)

// counselorOf is the person a handout names: the caller. A person signed
// in gives their account's full name, district and contact (the office
// phone); a key gives only its name and district, and the handout then
// names the district's employment service to contact.
func counselorOf(r *http.Request) casework.Counselor {
	if i := infoFrom(r); i != nil && i.user != nil {
		u := i.user
		name := u.FullName
		if name == "" {
			name = u.Name
		}
		return casework.Counselor{Name: name, District: u.District, Contact: u.Contact}
	}
	k := keyFrom(r)
	return casework.Counselor{Name: k.Name, District: k.District}
}

// graduateHandout is the {id} graduate's handout, audited as action.
func (s *Server) graduateHandout(r *http.Request, detail string) (*casework.Handout, error) {
	g, err := s.caseGraduate(r, "handout.read", detail)
	if err != nil {
		return nil, err
	}
	return s.casework.Handout(r.Context(), g, counselorOf(r))
}

func (s *Server) getHandout(w http.ResponseWriter, r *http.Request) error {
	h, err := s.graduateHandout(r, "json")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h)
}

func (s *Server) getHandoutPDF(w http.ResponseWriter, r *http.Request) error {
	f, err := s.pdfFont()
	if err != nil {
		return err
	}
	h, err := s.graduateHandout(r, "pdf")
	if err != nil {
		return err
	}
	return s.writePDF(w, f, []*casework.Handout{h}, "一人一策-"+h.Graduate.ID)
}

// districtDocument takes the one slot the district documents share (the
// caseload's handouts as JSON or PDF, its plans as XLSX): each builds up
// to 2,000 plans and sets as many pages, seconds of the machine's cores,
// so a second one while it runs is a 503 with Retry-After instead of a
// queue that slows every counselor's pages. The returned function gives
// the slot back.
func (s *Server) districtDocument(w http.ResponseWriter) (func(), error) {
	select {
	case s.docSlot <- struct{}{}:
		return func() { <-s.docSlot }, nil
	default:
		w.Header().Set("Retry-After", "10")
		return nil, matcher.Errorf(matcher.EUNAVAILABLE, "正在生成另一份区级清单，请稍后再试", "another district document is being built; retry shortly")
	}
}

// caseloadHandouts are the handouts of the caller's 一人一策 caseload
// (hardship graduates still looking), each graduate audited; the caller
// holds the district document slot.
func (s *Server) caseloadHandouts(r *http.Request, detail string) ([]*casework.Handout, string, error) {
	f, v, err := s.parseCaseload(r, handoutPs)
	if err != nil {
		return nil, "", err
	}
	limit, err := intParam(v, "limit", 500, 1, maxHandouts)
	if err != nil {
		return nil, "", err
	}
	gs, err := s.casework.PlanCaseload(r.Context(), f, limit)
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(gs))
	for i := range gs {
		ids[i] = gs[i].ID
	}
	if err := s.audit(r, "handout.list", detail, ids...); err != nil {
		return nil, "", err
	}
	hs, err := s.casework.Handouts(r.Context(), gs, counselorOf(r))
	if err != nil {
		return nil, "", err
	}
	name := f.District
	if name == "" {
		name = "全市"
	}
	return hs, name, nil
}

func (s *Server) listHandouts(w http.ResponseWriter, r *http.Request) error {
	release, err := s.districtDocument(w)
	if err != nil {
		return err
	}
	defer release()
	hs, _, err := s.caseloadHandouts(r, "json")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"total": len(hs), "handouts": hs})
}

func (s *Server) listHandoutsPDF(w http.ResponseWriter, r *http.Request) error {
	release, err := s.districtDocument(w)
	if err != nil {
		return err
	}
	defer release()
	f, err := s.pdfFont()
	if err != nil {
		return err
	}
	hs, name, err := s.caseloadHandouts(r, "pdf")
	if err != nil {
		return err
	}
	return s.writePDF(w, f, hs, "一人一策-"+name)
}

func (s *Server) plansXLSX(w http.ResponseWriter, r *http.Request) error {
	release, err := s.districtDocument(w)
	if err != nil {
		return err
	}
	defer release()
	hs, name, err := s.caseloadHandouts(r, "xlsx")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := render.PlansXLSX(&buf, hs); err != nil {
		return err
	}
	return writeFile(w, &buf, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "一人一策方案-"+name+"-"+s.now().Format("20060102")+".xlsx")
}

func (s *Server) writePDF(w http.ResponseWriter, f *render.Font, hs []*casework.Handout, name string) error {
	var buf bytes.Buffer
	if err := render.HandoutsPDF(&buf, f, hs); err != nil {
		return err
	}
	return writeFile(w, &buf, "application/pdf", name+".pdf")
}

// writeFile sends a download: its type, its name (RFC 6266, UTF-8), never
// cached (it holds names).
func writeFile(w http.ResponseWriter, b *bytes.Buffer, ctype, name string) error {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"download%s\"; filename*=UTF-8''%s", path.Ext(name), url.PathEscape(name)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b.Bytes())
	return err
}

// pdfFont is the CJK font PDFs are set in, read on first use; without one
// the PDF endpoints answer 503 naming what was looked for.
func (s *Server) pdfFont() (*render.Font, error) {
	s.fontOnce.Do(func() {
		s.font, s.fontErr = render.FindFont(s.cfg.PDFFont)
		if s.fontErr != nil {
			s.log.Error("PDF font", "err", s.fontErr)
		}
	})
	if s.fontErr != nil {
		if errors.Is(s.fontErr, render.ErrNoFont) {
			return nil, matcher.Errorf(matcher.EUNAVAILABLE, "服务器未安装中文字体，无法生成PDF（可使用打印页面）", "no CJK font for PDFs on this server: %v", s.fontErr)
		}
		return nil, s.fontErr
	}
	return s.font, nil
}

func init() {
	refs := map[reflect.Type]string{reflect.TypeFor[matcher.Salary](): "Salary"}
	maps.Copy(schemas, map[string]any{
		"Handout":  schemaOf(reflect.TypeFor[casework.Handout](), refs),
		"Handouts": obj(map[string]any{"total": integer, "handouts": arrayOf(ref("Handout"))}),
	})
}
