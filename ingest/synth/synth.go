package synth

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Options control the size and randomness of a generated data set.
type Options struct {
	Seed        int64
	Posts       int // distinct posts over the six channels, split by the policy's channel plan
	Internships int // of Posts, how many are 就业见习 internships
	Courses     int
	Graduates   int
	// DuplicateShare is the share of SME posts that a second portal
	// re-exports with light edits. The re-exports are extra rows on top of
	// Posts, so that after near-duplicate detection exactly Posts remain.
	DuplicateShare float64
	// Now is the reference date of the snapshot (default 2023-06-15): posts
	// are published in the 60 days before it, the graduate ledger shows what
	// had happened by then.
	Now time.Time
	// Progress, when set, hears the rows written so far and the total
	// (cmd draws it as a progress bar).
	Progress func(done, total int)
	// Policy is the plan the data follows (channel plan, internships,
	// entrepreneurship training, cohorts); the zero value is the embedded
	// policy. cmd passes --policy here.
	Policy catalog.Policy
}

// DefaultOptions returns the data set of the 2023 plan: 25,000 posts in the
// plan's channel proportions (1,200 of them internships, counted inside the
// channel totals), 620 courses and 50,000 graduates.
func DefaultOptions() Options {
	o := Options{Seed: 2023, Posts: 25000, Courses: 620, Graduates: 50000, DuplicateShare: 0.01}
	o.Internships = 1200
	if p, err := catalog.LoadPolicy(); err == nil && p.Internship.PlacesMin > 0 {
		// A fifth more than the plan's minimum, so the target is met even
		// when some internship posts have expired.
		o.Internships = p.Internship.PlacesMin * 6 / 5
	}
	o.Now = DefaultNow
	return o
}

// DefaultNow is the default reference date: mid-June of the plan year, when
// graduates are leaving school.
var DefaultNow = time.Date(2023, 6, 15, 0, 0, 0, 0, time.UTC)

func (o *Options) normalise() error {
	if o.Now.IsZero() {
		o.Now = DefaultNow
	}
	if len(o.Policy.ChannelPlan) == 0 {
		p, err := catalog.LoadPolicy()
		if err != nil {
			return fmt.Errorf("synth: %w", err)
		}
		o.Policy = p
	}
	if o.Posts < 0 || o.Internships < 0 || o.Courses < 0 || o.Graduates < 0 {
		return fmt.Errorf("synth: negative size in options %+v", *o)
	}
	if o.Internships > o.Posts {
		return fmt.Errorf("synth: %d internships do not fit in %d posts", o.Internships, o.Posts)
	}
	if o.DuplicateShare < 0 || o.DuplicateShare > 1 {
		return fmt.Errorf("synth: duplicate share %v outside [0,1]", o.DuplicateShare)
	}
	return nil
}

// Canonical headers, in file order.
var (
	PostHeader = []string{"source", "external_id", "kind", "channel", "title", "employer", "employer_type", "district", "address",
		"description", "majors", "degree_min", "experience", "salary", "headcount", "age_max", "hukou_required", "public_welfare", "posted_at", "deadline"}
	CourseHeader   = []string{"source", "external_id", "title", "provider", "category", "district", "description", "majors", "start_date", "duration_days", "places"}
	GraduateHeader = []string{"id", "name", "national_id", "phone", "gender", "birth_date", "school", "major", "degree", "graduation_year",
		"hukou_district", "residence_district", "skills", "certificates", "preferred_channels", "preferred_districts", "expected_salary",
		"hardship", "status", "registered_at", "contacted_at", "placed_at"}
)

// Generate writes dir/posts.csv, dir/courses.csv and dir/graduates.csv.
// Each file is written to a temporary name and renamed into place, so a
// failure never leaves a half-written file under the final name.
func Generate(dir string, o Options) error {
	if err := o.normalise(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	total := int64(o.Posts + o.Courses + o.Graduates)
	done := 0
	report := func(n int) {
		done += n
		if o.Progress != nil {
			o.Progress(done, int(total))
		}
	}
	steps := []struct {
		name  string
		write func(io.Writer, Options, func(int)) error
	}{
		{"posts.csv", writePosts},
		{"courses.csv", writeCourses},
		{"graduates.csv", writeGraduates},
	}
	for _, s := range steps {
		if err := writeFile(filepath.Join(dir, s.name), func(w io.Writer) error {
			return s.write(w, o, report)
		}); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		tmp.Close()
		return fmt.Errorf("synth: writing %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("synth: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("synth: writing %s: %w", path, err)
	}
	// CreateTemp makes the file private; the data set is meant to be shared.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

// WritePosts writes posts.csv's content to w.
func WritePosts(w io.Writer, o Options) error {
	if err := o.normalise(); err != nil {
		return err
	}
	return writePosts(w, o, func(int) {})
}

// WriteCourses writes courses.csv's content to w.
func WriteCourses(w io.Writer, o Options) error {
	if err := o.normalise(); err != nil {
		return err
	}
	return writeCourses(w, o, func(int) {})
}

// WriteGraduates writes graduates.csv's content to w.
func WriteGraduates(w io.Writer, o Options) error {
	if err := o.normalise(); err != nil {
		return err
	}
	return writeGraduates(w, o, func(int) {})
}

// progressEvery batches progress updates: the bar need not hear of every row.
const progressEvery = 1000

func newCSV(w io.Writer, header []string) (*csv.Writer, error) {
	cw := csv.NewWriter(w)
	return cw, cw.Write(header)
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func itoa0(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
