package store

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// NewID returns a new random ID that sorts by creation time: 12 hex digits
// of Unix milliseconds, then 16 random hex digits.
func NewID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return fmt.Sprintf("%012x%s", time.Now().UnixMilli(), hex.EncodeToString(b[:]))
}

// MatchPost reports whether the filter selects p. Both stores apply it
// (PostgreSQL after narrowing in SQL), so the meaning of a filter lives here.
func MatchPost(f *matcher.PostFilter, p *matcher.Post) bool {
	if len(f.IDs) > 0 && !slices.Contains(f.IDs, p.ID) {
		return false
	}
	if f.Source != "" && p.Source != f.Source {
		return false
	}
	if f.Channel != "" && p.Channel != f.Channel {
		return false
	}
	if f.Kind != "" && p.Kind != f.Kind {
		return false
	}
	if f.District != "" && p.District != f.District {
		return false
	}
	if f.Status != "" && p.Status != f.Status {
		return false
	}
	if !f.OpenAt.IsZero() && !p.Searchable(f.OpenAt) {
		return false
	}
	return true
}

// MatchGraduate reports whether the filter selects g. District matches the
// hukou or the residence district (a counselor serves both).
func MatchGraduate(f *matcher.GraduateFilter, g *matcher.Graduate) bool {
	if len(f.IDs) > 0 && !slices.Contains(f.IDs, g.ID) {
		return false
	}
	if !InIDRange(g.ID, f.IDFrom, f.IDTo) {
		return false
	}
	if f.District != "" && g.HukouDistrict != f.District && g.ResidenceDistrict != f.District {
		return false
	}
	if f.Status != "" && g.Status != f.Status {
		return false
	}
	return f.UpdatedSince.IsZero() || !g.UpdatedAt.Before(f.UpdatedSince)
}

// InIDRange reports whether id is in [from, to) in byte order, to ""
// being unbounded (matcher.GraduateFilter's IDFrom and IDTo).
func InIDRange(id, from, to string) bool {
	return id >= from && (to == "" || id < to)
}

func invalid(field, zh, en string, args ...any) error {
	e := matcher.Errorf(matcher.EINVALID, zh, en, args...)
	e.Field = field
	return e
}

// maxKey bounds IDs: they are keys in both stores.
const maxKey = 512

// ValidID reports whether id could be a stored record's ID: writes refuse
// any other, so a read of one can answer "not found" without asking.
func ValidID(id string) bool {
	return id != "" && len(id) <= maxKey && !strings.ContainsRune(id, 0) && utf8.ValidString(id)
}

func checkKey(what, id string) error {
	if !ValidID(id) {
		return invalid("id", "%s编号无效（过长、含空字符或非 UTF-8）", "%s id is invalid (too long, NUL or not UTF-8)", what)
	}
	return nil
}

// PreparePost checks the key fields of a post about to be written and fills
// in its ID from source and external ID when empty.
func PreparePost(p *matcher.Post) error {
	return prepareSourced("岗位", "post", &p.ID, p.Source, p.ExternalID)
}

// PrepareCourse is PreparePost for courses.
func PrepareCourse(c *matcher.Course) error {
	return prepareSourced("课程", "course", &c.ID, c.Source, c.ExternalID)
}

// prepareSourced checks the key of a record identified by its source and
// external ID (posts, courses) and fills in *id when empty. The messages
// name the record in each language (zh, en: explicit argument indexes, as
// matcher.Errorf formats both messages with the same arguments).
func prepareSourced(zh, en string, id *string, source, externalID string) error {
	if source == "" || externalID == "" {
		return invalid("source", "%[1]s缺少来源或外部编号（ID %[3]q）", "%[2]s %[3]q has no source or external_id", zh, en, *id)
	}
	want := matcher.PostID(source, externalID)
	if *id == "" {
		*id = want
	} else if *id != want {
		return invalid("id", "%[1]s编号 %[3]q 与来源和外部编号不符（应为 %[4]q）", "%[2]s id %[3]q does not match source and external_id (want %[4]q)", zh, en, *id, want)
	}
	return checkKey(zh, *id)
}

// PrepareGraduate checks a graduate about to be written.
func PrepareGraduate(g *matcher.Graduate) error {
	if g.ID == "" {
		return invalid("id", "毕业生缺少编号", "graduate has no id")
	}
	return checkKey("毕业生", g.ID)
}

// PrepareKey checks an API key about to be created and fills in ID and
// CreatedAt.
func PrepareKey(k *matcher.APIKey, now time.Time) error {
	if !k.Role.Valid() {
		return invalid("role", "未知角色 %q", "unknown role %q", k.Role)
	}
	if len(k.Hash) == 0 {
		return invalid("hash", "密钥缺少哈希", "key has no hash")
	}
	if k.Rate < 0 || k.Burst < 0 || k.Rate > 1e6 || k.Burst > 1e6 {
		return invalid("rate", "密钥限速应在 0–1000000 之间（0 为服务器默认值）", "a key's rate and burst must be 0 to 1,000,000 (0: the server's default)")
	}
	stamp(&k.ID, &k.CreatedAt, now)
	return nil
}

// stamp fills in a record's ID and time when empty. Stores call the
// Prepare functions before any retry, so a retried write keeps the
// record's ID and is written once.
func stamp(id *string, at *time.Time, now time.Time) {
	if *id == "" {
		*id = NewID()
	}
	if at.IsZero() {
		*at = now
	}
}

// PrepareAudit fills in an audit entry's ID and At when empty.
func PrepareAudit(e *matcher.AuditEntry, now time.Time) { stamp(&e.ID, &e.At, now) }

// PrepareRun fills in a new run's ID and StartedAt and sets it running.
func PrepareRun(r *matcher.Run, now time.Time) {
	stamp(&r.ID, &r.StartedAt, now)
	r.Status, r.Graduates, r.FinishedAt, r.PrunedAt = matcher.RunRunning, 0, time.Time{}, time.Time{}
}

// PrepareContact checks a contact log entry and fills in ID and At.
func PrepareContact(e *matcher.ContactEntry, now time.Time) error {
	if e.GraduateID == "" {
		return matcher.Errorf(matcher.EINVALID, "联系记录缺少毕业生编号", "contact entry without graduate_id")
	}
	stamp(&e.ID, &e.At, now)
	return nil
}

// PrepareShortlistEdit checks a shortlist edit and fills in ID and At.
func PrepareShortlistEdit(e *matcher.ShortlistEdit, now time.Time) error {
	if e.GraduateID == "" || (e.PostID == "" && e.Action != matcher.EditConfirm) {
		return matcher.Errorf(matcher.EINVALID, "名单修改缺少毕业生或岗位编号", "shortlist edit without graduate_id or post_id")
	}
	stamp(&e.ID, &e.At, now)
	return nil
}

// PrepareFeedback checks a feedback event and fills in ID and At.
func PrepareFeedback(e *matcher.FeedbackEvent, now time.Time) error {
	if !e.Type.Valid() {
		return invalid("type", "未知反馈类型 %q", "unknown feedback type %q", e.Type)
	}
	if e.PostID == "" {
		return invalid("post_id", "反馈缺少岗位编号", "feedback has no post_id")
	}
	stamp(&e.ID, &e.At, now)
	return nil
}

// Entities are the import entities.
var Entities = []string{"posts", "courses", "graduates"}

// CheckEntity rejects an unknown import entity.
func CheckEntity(entity string) error {
	if !slices.Contains(Entities, entity) {
		return invalid("entity", "未知导入类型 %q", "unknown import entity %q", entity)
	}
	return nil
}

// Tally adds a chunk's outcomes to a job's counts. New posts that repeat
// another portal's post count as Duplicate.
func Tally(j *matcher.ImportJob, c *matcher.ImportChunk, out []matcher.UpsertOutcome) {
	for i, o := range out {
		switch o {
		case matcher.Inserted:
			if j.Entity == "posts" && i < len(c.Posts) && c.Posts[i].DuplicateOf != "" {
				j.Duplicate++
			} else {
				j.Accepted++
			}
		case matcher.Updated:
			j.Updated++
		case matcher.Unchanged:
			j.Unchanged++
		}
	}
	j.Rejected += len(c.Rejected)
	j.LastRow = c.LastRow
}

// JobReport builds the report of a finished import job.
func JobReport(j *matcher.ImportJob, errs []matcher.RowError) *matcher.ImportReport {
	return &matcher.ImportReport{
		ID: j.ID, Entity: j.Entity, Files: j.Files,
		StartedAt: j.StartedAt, FinishedAt: j.FinishedAt,
		Accepted: j.Accepted, Updated: j.Updated, Unchanged: j.Unchanged,
		Duplicate: j.Duplicate, Rejected: j.Rejected, Errors: errs,
		Elapsed: j.FinishedAt.Sub(j.StartedAt),
	}
}

// PrepareUser checks a user before it is stored and fills in its ID and
// creation time.
func PrepareUser(u *matcher.User, now time.Time) error {
	if u.Name == "" || len(u.Name) > 64 {
		return invalid("name", "用户名应为 1–64 字节", "a user name must be 1 to 64 bytes")
	}
	if u.Role != matcher.RoleCounselor && u.Role != matcher.RoleAdmin {
		return invalid("role", "用户角色应为 counselor 或 admin，而不是 %q", "a user's role must be counselor or admin, not %q", u.Role)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		return invalid("password", "用户缺少密码哈希", "a user needs a password hash")
	}
	stamp(&u.ID, &u.CreatedAt, now)
	return nil
}
