package index

import "github.com/urumqi-hrss/jobmatch/matcher/catalog"

// catalogSkills returns the names and aliases of the catalog's skills and
// certificates (skills.csv).
func catalogSkills() []string {
	var out []string
	for _, s := range catalog.Skills() {
		out = append(out, s.Name)
		out = append(out, s.Aliases...)
	}
	return out
}

// catalogTerms returns the catalog's policy terms (terms.txt): 三支一扶,
// 西部计划, 公益性岗位 …
func catalogTerms() []string { return catalog.Terms() }
