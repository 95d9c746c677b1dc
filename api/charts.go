package api

import (
	"net/http"

	"github.com/urumqi-hrss/jobmatch/api/render"
)

// The dashboard's charts (issue 12 item 4) as SVG drawn here
// (render/chart.go), for the caller's scope like the dashboard: counts
// only, no personal data, so not audited.

var chartPs = []param{districtP}

// contactDays is how many days ahead the contacts chart shows.
const contactDays = 14

func writeSVG(w http.ResponseWriter, b []byte) error {
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The document is data, never a page that runs anything.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}

func (s *Server) milestonesChart(w http.ResponseWriter, r *http.Request) error {
	f, _, err := s.parseCaseload(r, chartPs)
	if err != nil {
		return err
	}
	d, err := s.casework.Dashboard(r.Context(), f)
	if err != nil {
		return err
	}
	return writeSVG(w, render.MilestonesChart(d))
}

func (s *Server) districtsChart(w http.ResponseWriter, r *http.Request) error {
	f, _, err := s.parseCaseload(r, chartPs)
	if err != nil {
		return err
	}
	rs, err := s.casework.DistrictComparison(r.Context(), f)
	if err != nil {
		return err
	}
	return writeSVG(w, render.DistrictsChart(rs))
}

func (s *Server) contactsChart(w http.ResponseWriter, r *http.Request) error {
	f, _, err := s.parseCaseload(r, chartPs)
	if err != nil {
		return err
	}
	c, err := s.casework.ContactsDue(r.Context(), f, contactDays)
	if err != nil {
		return err
	}
	return writeSVG(w, render.ContactsChart(c))
}

func (s *Server) plansChart(w http.ResponseWriter, r *http.Request) error {
	f, _, err := s.parseCaseload(r, chartPs)
	if err != nil {
		return err
	}
	p, err := s.casework.PlanProgress(r.Context(), f)
	if err != nil {
		return err
	}
	return writeSVG(w, render.PlansChart(p))
}
