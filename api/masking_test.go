package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// walkJSON walks a decoded JSON value and calls fn for every string in it
// and every number under the key "age".
func walkJSON(v any, key string, str func(key, s string), age func(int)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walkJSON(e, k, str, age)
		}
	case []any:
		for _, e := range x {
			walkJSON(e, key, str, age)
		}
	case string:
		str(key, x)
	case float64:
		if key == "age" {
			age(int(x))
		}
	}
}

// idCandidates counts the national IDs consistent with what a viewer
// knows: the characters known at each position (0 unknown), the age at
// now (-1 unknown: any birth date from 1950 on) and the gender.
func idCandidates(known [18]byte, age int, gender string, now time.Time, truth string) (n int, truthFits bool) {
	from, to := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), now
	if age >= 0 {
		// Born after now − (age+1) years and no later than now − age years.
		from, to = now.AddDate(-age-1, 0, 1), now.AddDate(-age, 0, 0)
	}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		date := d.Format("20060102")
		ok := true
		for i := 0; i < 8; i++ {
			if known[6+i] != 0 && known[6+i] != date[i] {
				ok = false
			}
		}
		if !ok {
			continue
		}
		for seq := 0; seq < 1000; seq++ {
			s := fmt.Sprintf("%03d", seq)
			ok := true
			for i := 0; i < 3; i++ {
				if known[14+i] != 0 && known[14+i] != s[i] {
					ok = false
				}
			}
			// The gender tells the parity of the seventeenth character
			// (when the view does not show that character itself).
			if !ok || (known[16] == 0 && gender != "" && (gender == "男") != ((s[2]-'0')%2 == 1)) {
				continue
			}
			body := make([]byte, 0, 17)
			for i := 0; i < 6; i++ {
				body = append(body, known[i])
			}
			body = append(append(body, date...), s...)
			check := matcher.NationalIDCheckDigit(string(body))
			if known[17] != 0 && known[17] != check {
				continue
			}
			n++
			if string(body)+string(check) == truth {
				truthFits = true
			}
		}
	}
	return n, truthFits
}

// TestCounselorCannotRebuildIDs takes a counselor's whole view of each
// graduate of their district — the profile, the caseload, the candidate
// lists, the shortlist, the contact log (with a note holding the ID and
// the phone), the recommendations, the handout, the answer to a write,
// the same pages read through a signed-in session, and what the caseload
// search answers to every ID tail a counselor can type (an oracle: the
// graduate listed for 0034 but not 0134 …) — and proves
// the national ID cannot be rebuilt from it: everything the view gives
// away (each character shown at each position in any response, the age,
// the gender, the check digit) still fits at least a thousand IDs, the
// real one among them. Nothing in the view holds the full ID, the full
// phone or the birth date. (Admins see everything; portals see no
// graduate: TestMaskingByRole.)
func TestCounselorCannotRebuildIDs(t *testing.T) {
	f := newFixture(t)
	var bodies []resp
	get := func(path string) {
		res := f.do("GET", path, "counselor", nil)
		if res.status != 200 {
			t.Fatalf("GET %s: %d %s", path, res.status, res.body)
		}
		bodies = append(bodies, res)
	}
	get("/v1/graduates?limit=100")
	// The same counselor signed in with a password: the session's pages
	// are masked as the key's are.
	makeUser(t, f, UserSpec{Name: "zhang", Role: matcher.RoleCounselor, District: "天山区", Password: "correct horse battery"})
	b := newBrowserish(t, f)
	if r := b.signIn("zhang", "correct horse battery"); r.status != 200 {
		t.Fatalf("sign-in: %d %s", r.status, r.body)
	}
	sessionGet := func(path string) {
		res := b.do("GET", path, nil)
		if res.status != 200 {
			t.Fatalf("GET %s by session: %d %s", path, res.status, res.body)
		}
		bodies = append(bodies, res)
	}
	sessionGet("/v1/graduates?limit=100")
	sessionGet("/v1/me")
	for _, p := range f.posts[:3] {
		get("/v1/posts/" + p.ID + "/candidates?limit=100")
	}
	var mine []matcher.Graduate
	for _, id := range slices.Sorted(maps.Keys(f.grads)) {
		g := f.grads[id]
		if g.HukouDistrict == "天山区" || g.ResidenceDistrict == "天山区" {
			mine = append(mine, g)
		}
	}
	if len(mine) < 5 {
		t.Fatalf("the fixture has %d graduates in the district", len(mine))
	}
	for _, g := range mine {
		note := fmt.Sprintf("核对身份证 %s，手机 %s", g.NationalID, g.Phone)
		res := f.do("POST", "/v1/graduates/"+g.ID+"/contacts", "counselor", map[string]any{"method": "phone", "outcome": "no_answer", "note": note})
		if res.status != 201 {
			t.Fatalf("log contact: %d %s", res.status, res.body)
		}
		bodies = append(bodies, res)
		get("/v1/graduates/" + g.ID)
		get("/v1/graduates/" + g.ID + "/contacts")
		get("/v1/graduates/" + g.ID + "/shortlist")
		get("/v1/graduates/" + g.ID + "/recommendations")
		var view map[string]any
		json.Unmarshal(bodies[len(bodies)-4].body, &view)
		get("/v1/graduates/" + g.ID + "/handout")
		sessionGet("/v1/graduates/" + g.ID)
		sessionGet("/v1/graduates/" + g.ID + "/contacts")
		res = f.do("PUT", "/v1/graduates/"+g.ID, "counselor", view)
		if res.status != 200 {
			t.Fatalf("PUT back the view: %d %s", res.status, res.body)
		}
		bodies = append(bodies, res)
	}
	all := ""
	for _, b := range bodies {
		all += string(b.body) + string(fmt.Sprint(b.header))
	}
	for _, g := range mine {
		// What the graduate's records give away, from every response.
		var known [18]byte
		age := -1
		for _, b := range bodies {
			var v any
			if json.Unmarshal(b.body, &v) != nil {
				t.Fatalf("not JSON: %s", b.body)
			}
			// Only the responses about this graduate count for its age.
			about := strings.Contains(string(b.body), `"`+g.ID+`"`)
			walkJSON(v, "", func(key, s string) {
				if len(s) == 18 && s[:6] == g.NationalID[:6] && strings.Trim(s, "0123456789Xx*") == "" && s[16:] == g.NationalID[16:] {
					for i := 0; i < 18; i++ {
						if s[i] != '*' {
							known[i] = s[i]
						}
					}
				}
			}, func(a int) {
				if about {
					age = a
				}
			})
		}
		for _, secret := range []string{g.NationalID, g.Phone, g.BirthDate.Format("2006-01-02"), g.BirthDate.Format("20060102")} {
			if strings.Contains(all, secret) {
				t.Fatalf("the counselor's view holds %q of %s", secret, g.ID)
			}
		}
		if age != g.AgeAt(testNow) {
			t.Fatalf("%s: the view shows age %d, want %d", g.ID, age, g.AgeAt(testNow))
		}
		// The caseload search as an oracle: every tail of four a counselor
		// can type that ends in the two characters shown; a tail that
		// lists this graduate tells the two hidden before them.
		var tails []string
		for nn := 0; nn < 100; nn++ {
			tail := fmt.Sprintf("%02d%s", nn, g.NationalID[16:])
			res := f.do("GET", "/v1/graduates?limit=100&q="+tail, "counselor", nil)
			if res.status != 200 {
				t.Fatalf("search %s: %d %s", tail, res.status, res.body)
			}
			if strings.Contains(string(res.body), `"`+g.ID+`"`) {
				tails = append(tails, tail)
			}
		}
		if len(tails) == 1 {
			known[14], known[15] = tails[0][0], tails[0][1]
		} else if len(tails) == 0 {
			t.Fatalf("%s: no ID tail ending in its last two lists it: the search does not work", g.ID)
		}
		n, fits := idCandidates(known, age, g.Gender, testNow, g.NationalID)
		if !fits {
			t.Fatalf("%s: the enumeration misses the real ID: the test is wrong", g.ID)
		}
		if n < 1000 {
			t.Errorf("%s: the counselor's view narrows the national ID to %d candidates", g.ID, n)
		}
		t.Logf("%s: %d national IDs fit the counselor's view", g.ID, n)
	}
	// The views this one replaces fail the same count: the mask showing
	// the last four characters, with the age, leaves a few dozen IDs; with
	// the birth date in clear, as GET returned it, exactly one.
	g := mine[0]
	var old [18]byte
	for _, i := range []int{0, 1, 2, 3, 4, 5, 14, 15, 16, 17} {
		old[i] = g.NationalID[i]
	}
	n, fits := idCandidates(old, g.AgeAt(testNow), g.Gender, testNow, g.NationalID)
	if !fits || n >= 1000 {
		t.Errorf("the old mask with the age: %d candidates", n)
	}
	for i := 6; i < 14; i++ {
		old[i] = g.NationalID[i]
	}
	if n, _ := idCandidates(old, g.AgeAt(testNow), g.Gender, testNow, g.NationalID); n != 1 {
		t.Errorf("the old mask with the birth date: %d candidates, want 1", n)
	}
	t.Logf("the old mask: %d IDs fit with the age, 1 with the birth date", n)
}
