package api

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestGraduateWritesTakeThePlansWords: a graduate written through the API
// is read as a ledger row is (issue 9, item 6: "the ledger accepts the
// plan's words and the usual variants for every category"). The plan's own
// words for the hardship categories, the channels' and the statuses'
// Chinese names are stored as their codes; a word nothing knows is still
// refused, naming the field. Before this, POST and PUT took codes only:
// 低保（低收入）家庭, 较长时间未就业, even the 长期未就业 the workspace shows,
// were "unknown hardship category".
func TestGraduateWritesTakeThePlansWords(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cases := []struct {
		hardship []string
		want     []matcher.Hardship
	}{
		{[]string{"低保（低收入）家庭"}, []matcher.Hardship{matcher.HardshipLowIncome}},
		{[]string{"较长时间未就业"}, []matcher.Hardship{matcher.HardshipLongUnemployed}},
		{[]string{"长期未就业", "long_unemployed"}, []matcher.Hardship{matcher.HardshipLongUnemployed}},
		{[]string{"脱贫家庭", "残疾人", "零就业家庭"}, []matcher.Hardship{matcher.HardshipPovertyFamily, matcher.HardshipDisability, matcher.HardshipZeroEmployment}},
		{[]string{"低保(低收入)家庭毕业生"}, []matcher.Hardship{matcher.HardshipLowIncome}},
	}
	for i, tc := range cases {
		body := fmt.Sprintf("65010220010101%03d", 100+i)
		in := map[string]any{
			"name": "词语测试", "national_id": body[:17] + string(matcher.NationalIDCheckDigit(body[:17])),
			"hukou_district": "天山区", "graduation_year": 2023, "degree": 3,
			"hardship": tc.hardship, "preferred_channels": []string{"中小微企业", "征兵入伍", "sme"}, "status": "求职中",
		}
		r := f.do("POST", "/v1/graduates", "counselor", in)
		if r.status != 201 {
			t.Errorf("hardship %q: %d %s", tc.hardship, r.status, r.body)
			continue
		}
		id, _ := r.json(t)["id"].(string)
		g, err := f.st.Graduate(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(g.Hardship, tc.want) {
			t.Errorf("hardship %q stored as %v, want %v", tc.hardship, g.Hardship, tc.want)
		}
		if !slices.Equal(g.PreferredChannels, []matcher.Channel{matcher.ChannelSME, matcher.ChannelMilitary}) || g.Status != matcher.StatusSeeking {
			t.Errorf("channels %v, status %q; want [sme military], seeking", g.PreferredChannels, g.Status)
		}
		if g.RegisteredAt.IsZero() {
			t.Errorf("求职中 is registered: registered_at is empty")
		}
		// PUT takes the words too: the record read back, hardship changed.
		in["id"], in["hardship"] = id, []string{"较长时间未就业"}
		if r := f.do("PUT", "/v1/graduates/"+id, "counselor", in); r.status != 200 {
			t.Errorf("PUT %s: %d %s", id, r.status, r.body)
		} else if g, _ := f.st.Graduate(ctx, id); !slices.Equal(g.Hardship, []matcher.Hardship{matcher.HardshipLongUnemployed}) {
			t.Errorf("PUT stored hardship %v", g.Hardship)
		}
	}
	for field, bad := range map[string]any{"hardship": []string{"家里有困难"}, "preferred_channels": []string{"月球"}, "status": "放假"} {
		in := map[string]any{"name": "词语测试", "hukou_district": "天山区", field: bad}
		r := f.do("POST", "/v1/graduates", "counselor", in)
		if r.status != 400 || r.json(t)["field"] != field {
			t.Errorf("%s %v: %d %s, want 400 naming the field", field, bad, r.status, r.body)
		}
	}
}
