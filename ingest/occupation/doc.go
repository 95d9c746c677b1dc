// Package occupation classifies job-post titles into the 2022 national
// occupational classification (CSCO 2022, 职业分类大典): a noisy title such as
// "🎈9k销售代表/不限经验/立即上岗" becomes 4-01-02-01 营销员.
//
// It owns the title cleaner (emoji, salary fragments, benefit brackets,
// "急招" and other recruiting noise, separators) and a curated table of the
// titles job boards actually use, mapped to occupation codes; together with
// the classification's own names and aliases (matcher/catalog) they form the
// dictionary. Classification is in two steps: the dictionary key that heads
// the title (an occupation's official name that spans another key whole —
// 口腔科医师 over 医师 —, else the rightmost match, the longest when several
// end together, a generic key such as 开发工程师 only when nothing specific
// matches), then — when no key matches — character-bigram similarity to
// every name and alias.
//
// The table also covers the city plan's own channels, whose titles name a
// programme rather than a job: 三支一扶 and 公益性岗位 are no keys, the
// service is ("三支一扶（支医）" → 2-05-09-00 乡村医生, 支农 → 2-03-02-00
// 农业技术指导人员, 支教 → 2-08-02-00 中小学教师, 就业和社会保障 →
// 3-01-04-03 劳动保障协理员); 西部计划, 社区工作者 and 社区干事 go to
// 3-01-04-01 村务和社区工作者 (the 2022 edition's node for community work,
// narrower than 2-07-11 社会工作专业人员), 网格员 to 3-01-04-02; conscription
// titles (义务兵, 大学生士兵, 直招士官, 应征入伍, 征兵) to 7-00-00-00 军队人员,
// a major group the classification does not subdivide and the only code
// above level 3 the classifier returns.
//
// The package deliberately does not use the index's word segmenter: titles
// are short, the dictionary scan is faster than segmentation, and ingest must
// be able to classify without loading gse's dictionaries.
package occupation
