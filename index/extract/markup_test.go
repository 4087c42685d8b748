package extract

import "testing"

func TestPlain(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		heading  bool
	}{
		{"NMNは体内で**NAD+**に変換されます。", "NMNは体内でNAD+に変換されます。", false},
		{"__Sleep__ and ~~rest~~ **matter**.", "Sleep and rest matter.", false},
		{"## 睡眠とNMN", "睡眠とNMN", true},
		{"### Why naps help ###", "Why naps help", true},
		{"2 * 3 * 4 = 24, file_name_here, ** alone", "2 * 3 * 4 = 24, file_name_here, ** alone", false},
		{"#hashtag without a space", "#hashtag without a space", false},
		{"※注意: *1 は出典です。", "※注意: *1 は出典です。", false},
		{"<script>window.__xss=1</script>, snake__case__x", "<script>window.__xss=1</script>, snake__case__x", false},
	} {
		got, heading := plain(tt.in)
		if got != tt.want || heading != tt.heading {
			t.Errorf("plain(%q) = %q, %v; want %q, %v", tt.in, got, heading, tt.want, tt.heading)
		}
	}
}
