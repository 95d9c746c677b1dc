package normalize

import (
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// TestRegionsTable: the embedded table reads, and holds every province's
// cities (Xinjiang's fourteen prefectures and its county-level cities).
func TestRegionsTable(t *testing.T) {
	r := loadRegions()
	if len(r.provinces) != 34 {
		t.Errorf("%d provinces, want 34", len(r.provinces))
	}
	for _, c := range []string{"乌鲁木齐市", "克拉玛依市", "喀什地区", "伊犁哈萨克自治州", "石河子市", "昌吉市", "广州市", "北京市"} {
		if r.cities[c] != c {
			t.Errorf("%s is not a city of the table", c)
		}
	}
	if r.counties["疏附县"] != "喀什地区" || r.counties["朝阳区"] != "" {
		t.Errorf("疏附县 → %q, 朝阳区 → %q", r.counties["疏附县"], r.counties["朝阳区"])
	}
}

// TestRealDistrictsAreCities: the 地区 column of 16,654 real posts of seven
// portals (2,790 different spellings: cities, "城市·区", full addresses)
// comes out as a short list of cities a facet can show.
func TestRealDistrictsAreCities(t *testing.T) {
	path := filepath.Join(realDataDir(t), "job-hunting-2024-25.csv.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(gz).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range rows[0] {
		if strings.TrimSpace(h) == "地区" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("%s: no 地区 column in %v", path, rows[0])
	}
	raw, out := map[string]bool{}, map[string]int{}
	cells, known := 0, 0
	for _, r := range rows[1:] {
		v := strings.TrimSpace(r[col])
		if v == "" {
			continue
		}
		cells++
		raw[v] = true
		d := District(v)
		out[d]++
		if _, ok := loadRegions().cities[d]; ok || catalog.IsUrumqiDistrict(d) {
			known++
		}
	}
	var unknown []string
	for d, n := range out {
		if _, ok := loadRegions().cities[d]; !ok && !catalog.IsUrumqiDistrict(d) {
			unknown = append(unknown, fmt.Sprintf("%s ×%d", d, n))
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 20 {
		unknown = unknown[:20]
	}
	share := float64(known) / float64(cells)
	t.Logf("%d cells, %d spellings → %d values, %.1f%% cities or Urumqi districts; not: %q", cells, len(raw), len(out), 100*share, unknown)
	if share < 0.99 || len(out) > len(raw)/8 {
		t.Errorf("%.1f%% of the cells are cities (want ≥ 99%%), %d values (want ≤ %d)", 100*share, len(out), len(raw)/8)
	}
}
