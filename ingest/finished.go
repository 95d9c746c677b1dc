package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// FinishedImports remembers, in a small JSON file (the embedded store's
// data directory keeps it as imports.json), the last finished import of
// each entity: the fingerprint of its input, the day it ran as of, and the
// ID of its report in the store. The store itself keeps unfinished jobs by
// fingerprint (to resume them) but not finished ones.
//
// It lets a command that imports the same files every time it starts (the
// demo) skip an import that already ran: see Importer.AlreadyImported. An
// ordinary `jobmatch ingest` always imports; it records here so the record
// stays the last import of the entity, whatever ran it.
type FinishedImports struct {
	Path string
}

type finishedImport struct {
	Fingerprint string    `json:"fingerprint"`
	AsOf        string    `json:"as_of"` // the clock's day: what is searchable depends on it
	ReportID    string    `json:"report_id"`
	Files       []string  `json:"files"`
	FinishedAt  time.Time `json:"finished_at"`
}

func (f FinishedImports) load() (map[string]finishedImport, error) {
	m := map[string]finishedImport{}
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		// A damaged record only costs an import that could have been skipped.
		return map[string]finishedImport{}, nil
	}
	return m, nil
}

// record notes rep as the last finished import of its entity.
func (f FinishedImports) record(fingerprint, asOf string, rep *matcher.ImportReport) error {
	m, err := f.load()
	if err != nil {
		return err
	}
	m[rep.Entity] = finishedImport{Fingerprint: fingerprint, AsOf: asOf, ReportID: rep.ID, Files: rep.Files, FinishedAt: rep.FinishedAt}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".imports-*.json")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), f.Path)
}

// recordFinished notes a finished import in im.Finished (when set); a
// failure to note it is logged, never fatal: the import itself is done.
// fp is the input's fingerprint when already computed, else "".
func (im *Importer) recordFinished(entity string, files []string, fp string, rep *matcher.ImportReport) {
	if im.Finished == nil || rep == nil {
		return
	}
	var err error
	if fp == "" {
		fp, err = im.Fingerprint(entity, files)
	}
	if err == nil {
		err = im.Finished.record(fp, im.now().Format(time.DateOnly), rep)
	}
	if err != nil && im.Log != nil {
		im.Log.Warn("could not record the finished import", "file", im.Finished.Path, "err", err)
	}
}

// AlreadyImported reports whether the last finished import of entity
// recorded in im.Finished had exactly this input (entity, mapping and the
// files' content), ran as of the same day, and left its report in the
// store; it returns that report. Then importing again would find every
// record unchanged, and a caller that imports at every start may skip it.
func (im *Importer) AlreadyImported(ctx context.Context, entity string, files []string) (*matcher.ImportReport, bool, error) {
	if im.Finished == nil {
		return nil, false, nil
	}
	rs := im.Store
	m, err := im.Finished.load()
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", im.Finished.Path, err)
	}
	last, ok := m[entity]
	if !ok || last.AsOf != im.now().Format(time.DateOnly) {
		return nil, false, nil
	}
	if err := CheckInputs(files); err != nil {
		return nil, false, err
	}
	fp, err := im.Fingerprint(entity, files)
	if err != nil || fp != last.Fingerprint {
		return nil, false, err
	}
	rep, err := rs.Import(ctx, last.ReportID)
	if matcher.ErrorCode(err) == matcher.ENOTFOUND {
		return nil, false, nil // another store (or a fresh one) behind the same record
	}
	if err != nil {
		return nil, false, err
	}
	return rep, true, nil
}
