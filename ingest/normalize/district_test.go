package normalize

import (
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

func TestDistrict(t *testing.T) {
	tests := []struct{ in, want string }{
		{"天山区", "天山区"},
		{"天山", "天山区"},
		{"沙区", "沙依巴克区"},
		{"沙依巴克", "沙依巴克区"},
		{"新市", "新市区"},
		{"水区", "水磨沟区"},
		{"水磨沟", "水磨沟区"},
		{"头屯河", "头屯河区"},
		{"经开区", "头屯河区"},
		{"经开区(头屯河区)", "头屯河区"},
		{"经济技术开发区（头屯河区）", "头屯河区"},
		{"经济技术开发区", "头屯河区"},
		{"达坂城", "达坂城区"},
		{"米东", "米东区"},
		{"乌鲁木齐县", "乌鲁木齐县"},
		{"乌鲁木齐市乌鲁木齐县", "乌鲁木齐县"},
		{"乌鲁木齐市天山区", "天山区"},
		{"新疆乌鲁木齐-天山区", "天山区"},
		{"新疆维吾尔自治区乌鲁木齐市米东区", "米东区"},
		{"乌鲁木齐·高新区", "新市区"},
		{"乌鲁木齐 沙区", "沙依巴克区"},
		{"乌市天山区", "天山区"},
		{"乌鲁木齐市经开区", "头屯河区"},
		{"乌鲁木齐高新区（新市区）", "新市区"},
		{"乌鲁木齐-水区-南湖路", "水磨沟区"},
		{"天山区解放北路", "天山区"},
		{"  天山区\u3000", "天山区"},
		{"650102", "天山区"},
		{"Tianshan", "天山区"},
		{"Midong District", "米东区"},
		{"北京-朝阳区", "北京市"},
		{"  北京　海淀区 ", "北京市"},
		{"昌吉市", "昌吉市"},
		{"深圳-南山区", "深圳市"},
		{"天山路", "天山路"}, // a street, not the district
		{"广东省广州市番禺区石楼镇", "广州市"},
		{"广州·天河区", "广州市"},
		{"广州", "广州市"},
		{"上海·浦东新区", "上海市"},
		{"北京··", "北京市"},
		{"北京市朝阳区望京", "北京市"},
		{"济南·历城区·汉峪金谷", "济南市"},
		{"新疆维吾尔自治区喀什地区疏附县", "喀什地区"},
		{"疏附县", "喀什地区"},
		{"昌吉州", "昌吉回族自治州"},
		{"石河子市", "石河子市"},
		{"昆山", "昆山市"},
		{"朝阳区", "朝阳区"}, // Beijing's and Changchun's: not guessed
		{"远程办公", "远程办公"},
		{"乌鲁木齐市某某路8号", "乌鲁木齐市某某路8号"},
		{"乌鲁木齐", "乌鲁木齐"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := District(tt.in); got != tt.want {
			t.Errorf("District(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, d := range catalog.UrumqiDistricts {
		for _, in := range []string{d.Name, d.Short, "乌鲁木齐市" + d.Name} {
			if got := District(in); got != d.Name {
				t.Errorf("District(%q) = %q, want %q", in, got, d.Name)
			}
		}
	}
}

func TestIsUrumqi(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"天山区", true}, {"乌鲁木齐", true}, {"乌鲁木齐市", true}, {"新疆乌鲁木齐", true}, {"高新区", true},
		{"北京-朝阳区", false}, {"昌吉", false}, {"", false}, {"天山路", false},
	}
	for _, tt := range tests {
		if got := IsUrumqi(tt.in); got != tt.want {
			t.Errorf("IsUrumqi(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func BenchmarkDistrict(b *testing.B) {
	in := []string{"天山区", "新疆乌鲁木齐-天山区", "乌鲁木齐·高新区", "北京-朝阳区", "经开区(头屯河区)"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		District(in[i%len(in)])
	}
}
