package batch

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// ListCounts are the figures of a run's report that are sums over its
// lists: the coverage by the posts' channel and the graduates' hukou
// district, and the diff against the previous published run. A run in one
// process counts all its lists into one; each shard of a sharded run
// counts its own graduates' lists when it lands them (against the previous
// run's lists of the same graduates) and the publish step only adds the
// shards' counts (add) — reading every list of the run at the end was
// 0.12 ms a list, serial after the last shard (docs/scale-out.md). Either
// way the report's figures come from fill: one way of counting.
type ListCounts struct {
	Lists      int `json:"lists"` // the lists counted
	WithPosts  int `json:"with_posts"`
	ShortLists int `json:"short_lists"`
	Hardship   int `json:"hardship"` // lists with a 一人一策 plan's items
	// Channels by the channel's key: lists with a post of the channel
	// and their slots (its distinct posts are the districts' posts of
	// that channel).
	Channels map[matcher.Channel]*channelCount `json:"channels"`
	// Districts by the graduates' hukou district (未登记 when none).
	Districts map[string]*districtCount `json:"districts"`
	// Diff is the diff against Diff.Previous without Left; Matched is the
	// lists that run had of these graduates (Left = its lists − Matched).
	Diff    matcher.RunDiff `json:"diff"`
	Matched int             `json:"matched"`
}

type channelCount struct {
	Graduates int `json:"graduates"`
	Slots     int `json:"slots"`
}

type districtCount struct {
	Graduates int     `json:"graduates"`
	WithPosts int     `json:"with_posts"`
	Slots     int     `json:"slots"`
	Posts     postSet `json:"posts,omitempty"`
	// PostIx are the posts of a shard's result by index in the run's
	// table, as gaps (compact.go); Posts holds them in memory.
	PostIx []int `json:"post_ix,omitempty"`
}

// postSet is a set of post IDs, a sorted array in JSON.
type postSet map[string]struct{}

func (s postSet) MarshalJSON() ([]byte, error) {
	return json.Marshal(slices.Sorted(maps.Keys(s)))
}

func (s *postSet) UnmarshalJSON(b []byte) error {
	var ids []string
	if err := json.Unmarshal(b, &ids); err != nil {
		return err
	}
	*s = make(postSet, len(ids))
	for _, id := range ids {
		(*s)[id] = struct{}{}
	}
	return nil
}

func newListCounts(prevID string) *ListCounts {
	return &ListCounts{Channels: map[matcher.Channel]*channelCount{}, Districts: map[string]*districtCount{}, Diff: matcher.RunDiff{Previous: prevID}}
}

// counter counts lists into a ListCounts for a runner.
type counter struct {
	r    *runner
	c    *ListCounts
	prev *prevLists
	// changed: graduate → this run's posts, whose previous list's digest
	// differs (compareChanged reads those previous lists).
	changed map[string][]string
}

func (r *runner) newCounter(prev *prevLists) *counter {
	return &counter{r: r, c: newListCounts(prev.id), prev: prev, changed: map[string][]string{}}
}

// district is a graduate's hukou district (未登记 when none), found in
// the run's graduates (in ID order) without a map of them all: a shard
// counts a few of the run's graduates.
func (r *runner) district(graduateID string) string {
	i, ok := slices.BinarySearchFunc(r.grads, graduateID, func(g matcher.Graduate, id string) int { return cmp.Compare(g.ID, id) })
	if !ok || r.grads[i].HukouDistrict == "" {
		return "未登记"
	}
	return r.grads[i].HukouDistrict
}

// add counts one list: its coverage, and its change against the previous
// run's list of the graduate.
func (k *counter) add(gr matcher.GraduateRecommendations) {
	c, posts := k.c, matcher.DefaultPosts(gr.Items)
	c.Lists++
	dk := k.r.district(gr.GraduateID)
	d := c.Districts[dk]
	if d == nil {
		d = &districtCount{Posts: postSet{}}
		c.Districts[dk] = d
	}
	d.Graduates++
	d.Slots += len(posts)
	if len(posts) > 0 {
		d.WithPosts++
		c.WithPosts++
	}
	if len(posts) < k.r.opt.Limit {
		c.ShortLists++
	}
	if slices.ContainsFunc(gr.Items, func(it matcher.StoredRecommendation) bool { return it.Plan }) {
		c.Hardship++
	}
	var seen []matcher.Channel // a list's channels: a few
	for _, id := range posts {
		d.Posts[id] = struct{}{}
		ch := k.r.channelOf(id)
		cc := c.Channels[ch]
		if cc == nil {
			cc = &channelCount{}
			c.Channels[ch] = cc
		}
		cc.Slots++
		if !slices.Contains(seen, ch) {
			seen = append(seen, ch)
			cc.Graduates++
		}
	}
	k.diff(gr.GraduateID, posts)
}

func (k *counter) diff(id string, posts []string) {
	p, d := k.prev, &k.c.Diff
	if dg, ok := p.digests[id]; ok {
		k.c.Matched++
		if bytes.Equal(dg, k.r.st.ListDigest(id, posts)) {
			d.Compared++
			d.Unchanged++
		} else {
			k.changed[id] = posts
		}
	} else if before, ok := p.lists[id]; ok {
		k.c.Matched++
		compare(d, before, posts)
	} else if p.id != "" {
		d.Joined++
	}
}

// done compares the lists that changed with the previous run's and gives
// up the hold on it.
func (k *counter) done(ctx context.Context) (*ListCounts, error) {
	defer k.prev.done()
	if err := k.r.compareChanged(ctx, k.prev.id, k.changed, &k.c.Diff); err != nil {
		return nil, err
	}
	return k.c, nil
}

// channelOf is the channel of a post of the run's table ("" for another).
func (r *runner) channelOf(postID string) matcher.Channel {
	if x, ok := r.posts[postID]; ok {
		return r.table[x].Channel
	}
	return ""
}

// countLists counts the lists of some of the run's graduates (all of them
// in one process, a shard's in a sharded run): own, those this attempt
// computed, in memory, and saved, the IDs of those an earlier attempt
// saved, read back from the store. prev is the previous run's lists of
// (at least) those graduates. Each graduate is counted once: a list is
// computed only when it was not saved before the attempt started.
func (r *runner) countLists(ctx context.Context, own []matcher.GraduateRecommendations, saved []string, prev *prevLists) (*ListCounts, error) {
	k := r.newCounter(prev)
	for _, gr := range own {
		k.add(gr)
	}
	if len(saved) > 0 {
		err := r.st.RunListsOf(ctx, r.run.ID, saved, func(gr matcher.GraduateRecommendations) error {
			k.add(gr)
			return nil
		})
		if err != nil {
			prev.done()
			return nil, fmt.Errorf("batch: run %s: read saved lists for the report: %w", r.run.ID, err)
		}
	}
	return k.done(ctx)
}

// add adds another part's counts (another shard's) to c.
func (c *ListCounts) add(o *ListCounts) {
	c.Lists += o.Lists
	c.WithPosts += o.WithPosts
	c.ShortLists += o.ShortLists
	c.Hardship += o.Hardship
	for ch, oc := range o.Channels {
		cc := c.Channels[ch]
		if cc == nil {
			cc = &channelCount{}
			c.Channels[ch] = cc
		}
		cc.Graduates += oc.Graduates
		cc.Slots += oc.Slots
	}
	for k, od := range o.Districts {
		d := c.Districts[k]
		if d == nil {
			d = &districtCount{Posts: postSet{}}
			c.Districts[k] = d
		}
		d.Graduates += od.Graduates
		d.WithPosts += od.WithPosts
		d.Slots += od.Slots
		for id := range od.Posts {
			d.Posts[id] = struct{}{}
		}
	}
	x, y := &c.Diff, o.Diff
	x.Compared += y.Compared
	x.Unchanged += y.Unchanged
	x.Reordered += y.Reordered
	x.NewPosts += y.NewPosts
	x.NewItems += y.NewItems
	x.Joined += y.Joined
	c.Matched += o.Matched
}

// fill puts the counts into the report, channels by slots, districts by
// name; prevLists is how many lists the previous run has (Left is those
// not matched).
func (r *runner) fill(rep *matcher.RunReport, c *ListCounts, prevLists int) {
	rep.WithPosts, rep.ShortList, rep.Hardship = c.WithPosts, c.ShortLists, c.Hardship
	shown := map[matcher.Channel]int{}
	all := postSet{}
	for _, d := range c.Districts {
		for id := range d.Posts {
			all[id] = struct{}{}
		}
	}
	for id := range all {
		shown[r.channelOf(id)]++
	}
	for ch, cc := range c.Channels {
		name := ch.Chinese()
		if name == "" {
			name = "未注明渠道"
		}
		rep.Channels = append(rep.Channels, matcher.RunCoverage{Key: string(ch), Name: name, Graduates: cc.Graduates, WithPosts: cc.Graduates,
			Slots: cc.Slots, PostsShown: shown[ch]})
	}
	slices.SortFunc(rep.Channels, func(a, b matcher.RunCoverage) int {
		return cmp.Or(cmp.Compare(b.Slots, a.Slots), cmp.Compare(a.Key, b.Key))
	})
	for key, d := range c.Districts {
		rep.Districts = append(rep.Districts, matcher.RunCoverage{Key: key, Name: key, Graduates: d.Graduates, WithPosts: d.WithPosts,
			Slots: d.Slots, PostsShown: len(d.Posts)})
	}
	slices.SortFunc(rep.Districts, func(a, b matcher.RunCoverage) int { return cmp.Compare(a.Key, b.Key) })
	rep.Diff = c.Diff
	rep.Diff.Left = prevLists - c.Matched
}
