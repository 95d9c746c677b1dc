package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

func (s *Server) searchPosts(w http.ResponseWriter, r *http.Request) error {
	v, err := query(r, searchPs)
	if err != nil {
		return err
	}
	var q index.Query
	q.Text = strings.TrimSpace(v.Get("q"))
	if n := len([]rune(q.Text)); n > maxQueryText {
		return invalidField("q", "搜索词过长（%d 字，最多 %d 字）", "the search text is too long (%d characters, at most %d)", n, maxQueryText)
	}
	if c := v.Get("channel"); c != "" {
		if q.Channel, err = normalize.Channel(c); err != nil {
			return asField("channel", err)
		}
	}
	if d := v.Get("degree"); d != "" {
		if q.Degree, err = normalize.Degree(d); err != nil {
			return asField("degree", err)
		}
	}
	if k := v.Get("kind"); k != "" {
		if q.Kind, err = normalize.Kind(k); err != nil {
			return asField("kind", err)
		}
	}
	q.District = normalize.District(v.Get("district"))
	switch t := v.Get("type"); t {
	case "", "post":
		q.Type = index.TypePost
	case "course":
		q.Type = index.TypeCourse
	default:
		return invalidField("type", "type 应为 post 或 course", "type must be post or course")
	}
	if q.Limit, err = intParam(v, "limit", 20, 1, maxLimit); err != nil {
		return err
	}
	if q.Offset, err = intParam(v, "offset", 0, 0, maxOffset); err != nil {
		return err
	}
	start := time.Now()
	res, err := s.index.Search(r.Context(), q)
	s.metrics.searchSeconds.Observe(time.Since(start).Seconds())
	if err != nil {
		return err
	}
	hits := res.Hits
	if hits == nil {
		hits = []index.Hit{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"total": res.Total, "limit": q.Limit, "offset": q.Offset,
		"hits": hits, "facets": res.Facets, "took_ms": float64(res.Took.Microseconds()) / 1000,
	})
}

// asField names field on a normaliser's error (they are *matcher.Error
// with code EINVALID already).
func asField(field string, err error) error {
	if me, ok := err.(*matcher.Error); ok {
		c := *me
		c.Field = field
		return &c
	}
	return invalidField(field, "字段 %s 的值无效", "invalid value for %s", field)
}

func (s *Server) getPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "岗位")
	if err != nil {
		return err
	}
	p, err := s.stores.Posts.Post(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// PostInput is a post as a portal sends it: the canonical columns of a
// posts file (docs/ingest.md), typed. It goes through the same converter
// as a row of an imported file, so a post normalises the same way whichever
// door it came in by.
type PostInput struct {
	Source        string   `json:"source"`
	ExternalID    string   `json:"external_id"`
	Kind          string   `json:"kind"`
	Channel       string   `json:"channel"`
	Title         string   `json:"title"`
	Employer      string   `json:"employer"`
	EmployerType  string   `json:"employer_type"`
	District      string   `json:"district"`
	Address       string   `json:"address"`
	Description   string   `json:"description"`
	Majors        []string `json:"majors"`
	DegreeMin     string   `json:"degree_min"`
	Experience    string   `json:"experience"`
	Salary        string   `json:"salary"`
	Headcount     *int     `json:"headcount"`
	AgeMin        *int     `json:"age_min"`
	AgeMax        *int     `json:"age_max"`
	HukouRequired string   `json:"hukou_required"`
	PublicWelfare bool     `json:"public_welfare"`
	PostedAt      string   `json:"posted_at"`
	Deadline      string   `json:"deadline"`
	Occupation    string   `json:"occupation"`
	Skills        []string `json:"skills"`
	Certificates  []string `json:"certificates"`
	Status        string   `json:"status"`
}

// Bounds of one post written over the API: a list field holds at most
// maxListItems entries and any field at most maxCell bytes (the importer's
// cell limit), so that one post within the batch body limit cannot be
// 8 MiB of skills.
const (
	maxListItems = 100
	maxCell      = 64 << 10
)

// bounded refuses a post whose fields are larger than any post needs.
func (in *PostInput) bounded(prefix string) error {
	for name, list := range map[string][]string{"majors": in.Majors, "skills": in.Skills, "certificates": in.Certificates} {
		if len(list) > maxListItems {
			return invalidField(prefix+name, "%s 最多 %d 项", "%s holds at most %d items", name, maxListItems)
		}
	}
	for name, v := range in.row("api").Values {
		if len(v) > maxCell {
			return invalidField(prefix+name, "%s 超过 %d 字节", "%s exceeds %d bytes", name, maxCell)
		}
	}
	return nil
}

// row turns the input into an ingest row of canonical columns.
func (in *PostInput) row(file string) convert.Row {
	v := map[string]string{
		"source": in.Source, "external_id": in.ExternalID, "kind": in.Kind, "channel": in.Channel,
		"title": in.Title, "employer": in.Employer, "employer_type": in.EmployerType,
		"district": in.District, "address": in.Address, "description": in.Description,
		"majors": strings.Join(in.Majors, ";"), "degree_min": in.DegreeMin, "experience": in.Experience,
		"salary": in.Salary, "hukou_required": in.HukouRequired, "posted_at": in.PostedAt,
		"deadline": in.Deadline, "skills": strings.Join(in.Skills, ";"),
		"certificates": strings.Join(in.Certificates, ";"), "status": in.Status,
	}
	if in.Headcount != nil {
		v["headcount"] = strconv.Itoa(*in.Headcount)
	}
	if in.AgeMin != nil {
		v["age_min"] = strconv.Itoa(*in.AgeMin)
	}
	if in.AgeMax != nil {
		v["age_max"] = strconv.Itoa(*in.AgeMax)
	}
	if in.PublicWelfare {
		v["public_welfare"] = "是"
	}
	return convert.Row{File: file, Line: 1, Values: v}
}

// toPost validates and normalises the input for the caller k. prefix names
// the input in errors ("posts[3]." in a batch). wantID, when set, is the
// id from the path, which the input must agree with.
func (s *Server) toPost(k *matcher.APIKey, in *PostInput, prefix, wantID string) (matcher.Post, error) {
	if wantID != "" {
		src, ext, ok := splitPostID(wantID)
		if !ok {
			return matcher.Post{}, invalidField("id", "岗位 ID 应为 来源:外部编号（来源只含字母、数字、-、_、.）", "a post id is source:external_id (the source made of letters, digits, -, _ and .)")
		}
		if in.Source == "" {
			in.Source = src
		}
		if in.ExternalID == "" {
			in.ExternalID = ext
		}
	}
	if in.Source == "" && k.Role == matcher.RolePortal {
		in.Source = k.Source
	}
	if in.Source == "" {
		return matcher.Post{}, invalidField(prefix+"source", "缺少来源（source）", "source is required")
	}
	if !validSource(in.Source) {
		return matcher.Post{}, invalidField(prefix+"source", "来源只能含字母、数字、-、_、.", "source may hold only letters, digits, -, _ and .")
	}
	if strings.TrimSpace(in.ExternalID) == "" {
		return matcher.Post{}, invalidField(prefix+"external_id", "缺少外部编号（external_id）", "external_id is required")
	}
	if !canonicalExternalID(in.ExternalID) {
		return matcher.Post{}, invalidField(prefix+"external_id", "外部编号应为 1–128 个字符，仅限字母、数字、.、_、-、~，以字母或数字开头", "external_id must be 1–128 characters of letters, digits, '.', '_', '-' and '~', starting with a letter or a digit")
	}
	// A portal writes only its own source's posts; another source's post is
	// answered as if it did not exist.
	if k.Role == matcher.RolePortal && !strings.EqualFold(in.Source, k.Source) {
		return matcher.Post{}, errHidden("岗位", matcher.PostID(in.Source, in.ExternalID))
	}
	if in.Occupation != "" {
		return matcher.Post{}, invalidField(prefix+"occupation", "职业代码由系统根据职位名称确定", "the occupation code is derived from the title; do not send it")
	}
	if err := in.bounded(prefix); err != nil {
		return matcher.Post{}, err
	}
	p, rowErrs := convert.PostFromRow(in.row("api"))
	if len(rowErrs) > 0 {
		e := rowErrs[0]
		return matcher.Post{}, invalidField(prefix+e.Column, "%s：%s", "invalid %s: %s", e.Column, e.Reason)
	}
	if wantID != "" && p.ID != wantID {
		return matcher.Post{}, invalidField(prefix+"id", "岗位 ID 规范化后为 %s，与路径中的 ID 不一致", "the post id normalises to %q, which differs from the id in the path", clip(p.ID))
	}
	return p, nil
}

var outcomeNames = map[matcher.UpsertOutcome]string{matcher.Inserted: "inserted", matcher.Updated: "updated", matcher.Unchanged: "unchanged"}

func (s *Server) putPost(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "岗位")
	if err != nil {
		return err
	}
	k := keyFrom(r)
	if src, _, ok := splitPostID(id); ok && k.Role == matcher.RolePortal && !strings.EqualFold(src, k.Source) {
		s.auditRefusal(r, "post.refused", "another source's post "+clip(id), "")
		return errHidden("岗位", id)
	}
	var in PostInput
	if err := s.readInput(w, r, &in, postManaged...); err != nil {
		return err
	}
	p, err := s.toPost(k, &in, "", id)
	if err != nil {
		return err
	}
	out, err := s.stores.Posts.UpsertPosts(r.Context(), []matcher.Post{p})
	if err != nil {
		return err
	}
	if out[0] != matcher.Unchanged {
		s.apply(r, []matcher.Post{p}, nil)
	}
	stored, err := s.stores.Posts.Post(r.Context(), p.ID)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if out[0] == matcher.Inserted {
		status = http.StatusCreated
	}
	return writeJSON(w, status, map[string]any{"id": p.ID, "outcome": outcomeNames[out[0]], "post": stored})
}

// postManaged are the fields of a stored post the server keeps: sent in a
// write they are refused by name.
var postManaged = []string{"id", "updated_at", "filled", "duplicate_of", "major_codes", "experience_min"}

type batchRequest struct {
	Posts []PostInput `json:"posts"`
}

func (s *Server) batchUpsertPosts(w http.ResponseWriter, r *http.Request) error {
	b, err := readBody(w, r, s.cfg.MaxBatchBody)
	if err != nil {
		return err
	}
	var req batchRequest
	if err := decodeInput(b, &req, postManaged...); err != nil {
		return err
	}
	if len(req.Posts) == 0 {
		return invalidField("posts", "posts 不能为空", "posts must not be empty")
	}
	if len(req.Posts) > maxBatch {
		return invalidField("posts", "一次最多 %d 个岗位", "at most %d posts per batch", maxBatch)
	}
	k := keyFrom(r)
	// Validate everything first: a batch is written whole or not at all,
	// so a client fixing one bad post resends the same batch.
	posts := make([]matcher.Post, 0, len(req.Posts))
	seen := make(map[string]int, len(req.Posts))
	for i := range req.Posts {
		prefix := "posts[" + strconv.Itoa(i) + "]."
		p, err := s.toPost(k, &req.Posts[i], prefix, "")
		if err != nil {
			if matcher.ErrorCode(err) == matcher.ENOTFOUND {
				s.auditRefusal(r, "post.refused", "another source's post in a batch", "")
			}
			return err
		}
		if j, dup := seen[p.ID]; dup {
			return invalidField(prefix+"external_id", "与 posts[%d] 的 ID 重复：%s", "same id as posts[%d]: %q", j, clip(p.ID))
		}
		seen[p.ID] = i
		posts = append(posts, p)
	}
	out, err := s.stores.Posts.UpsertPosts(r.Context(), posts)
	if err != nil {
		return err
	}
	type result struct {
		ID      string `json:"id"`
		Outcome string `json:"outcome"`
	}
	results := make([]result, len(posts))
	counts := map[string]int{"inserted": 0, "updated": 0, "unchanged": 0}
	var changed []matcher.Post
	for i, p := range posts {
		o := outcomeNames[out[i]]
		results[i] = result{p.ID, o}
		counts[o]++
		if out[i] != matcher.Unchanged {
			changed = append(changed, p)
		}
	}
	s.apply(r, changed, nil)
	return writeJSON(w, http.StatusOK, map[string]any{
		"inserted": counts["inserted"], "updated": counts["updated"], "unchanged": counts["unchanged"], "results": results,
	})
}

// apply brings this replica's index and engine up to date with posts the
// request has just written to the store. A failure here is logged, not
// returned: the store (the source of truth) has the write, and the change
// feed follower applies the same change again on its next poll.
func (s *Server) apply(r *http.Request, posts []matcher.Post, deleted []string) {
	if err := s.applyPosts(posts, deleted); err != nil {
		s.log.Warn("index update after write failed; the change feed will retry", "request_id", infoFrom(r).requestID, "err", err)
	}
}

// applyPosts updates the index and the engine: posts as they now are
// (the index drops the ones no longer searchable itself), deleted ids. Only
// index failures are returned (they are worth retrying); a post the engine
// refuses is refused for good, so it is logged and skipped rather than
// blocking the change feed behind it.
func (s *Server) applyPosts(posts []matcher.Post, deleted []string) error {
	if len(posts) == 0 && len(deleted) == 0 {
		return nil
	}
	// The engine first, then the index: once a post is searchable it is
	// also recommendable.
	now := s.now()
	for i := range posts {
		p := &posts[i]
		if !p.Searchable(now) {
			s.engine.Remove(p.ID)
			continue
		}
		if err := s.engine.Upsert(*p); err != nil {
			s.engine.Remove(p.ID)
			s.log.Warn("matching engine refused a post", "post_id", p.ID, "code", matcher.ErrorCode(err))
		}
	}
	for _, id := range deleted {
		s.engine.Remove(id)
	}
	s.casework.PostsChanged(posts, deleted)
	if len(posts) > 0 {
		if err := s.index.IndexPostsAt(posts, now); err != nil {
			return err
		}
	}
	if len(deleted) > 0 {
		if err := s.index.Delete(deleted...); err != nil {
			return err
		}
	}
	return nil
}
