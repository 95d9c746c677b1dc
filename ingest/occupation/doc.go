// Package occupation classifies job posts into the 2022 national
// occupational classification (CSCO 2022, 职业分类大典): a noisy title such as
// "🎈9k销售代表/不限经验/立即上岗" becomes 4-01-02-01 营销员, with a confidence
// and the words it rests on; a post that names no occupation gets none.
//
// It owns the title cleaner (emoji, salary fragments, benefit brackets,
// "急招" and other recruiting noise, separators) and a curated table of the
// titles job boards actually use, mapped to occupation codes; together with
// the classification's own names and aliases (matcher/catalog) they form the
// dictionary.
//
// Everything is read on words: the project's gse segmenter (index) cuts each
// title segment, recruiting phrases kept apart (急招|供配电|工程师, not
// 急|招供|配电). A dictionary key counts only where it stands on those words
// (words.go, bounds.accepts): 护工 across 维护|工程师, 检测 inside
// 汽车检测与维修技术 and 园艺 against 半导体|工艺 are characters inside other
// words and never match, while 护士 heading 护士长 and 焊工 over 二保焊|工 do.
//
// Classification (post.go):
//  1. The dictionary key that heads the title: an occupation's official
//     name that spans another key whole (口腔科医师 over 医师), else the
//     rightmost match, the longest when several end together. Confidence
//     0.6–1 by how much of the title the key covers. A segment that names
//     no key as written is read as each duty it joins (汽车检测与维修技术员:
//     汽车检测技术员, 汽车维修技术员 → 汽车维修); a duty or rank every
//     field of a group has (工艺工程师, 医生, 住院医师: marked "^" in the
//     table) takes the field named before it (fields.go: the catalogue's
//     半导体工艺工程师; a sibling's specialty, 口腔 of 口腔科医师 in
//     口腔执业医师, 铸造 of 铸造工程技术人员; a professional key just
//     before it, 化工), and a worker's key never reaches into an
//     engineer's 工程师 or 工艺 (维修工 over 维修|工程师).
//  2. When no key, or only a generic one (开发工程师, 助理, 顾问), names the
//     job, the post's words are compared with every occupation's name,
//     aliases, curated keys, definition and tasks (profiles.go: TF-IDF over
//     the occupations, their words for Default read from profilewords.txt,
//     a snapshot of the cut checked by a test and, on a sample, at start
//     (snapshot.go); words of generic.txt dropped, cosine through an
//     inverted index, dictionary keys the description names voting for
//     theirs; the 中类 with most support over its best three occupations
//     first, then its best occupation). Titles that name no field
//     (生产技术人员, 专员, 助理) are so read from the description's duties.
//  3. Below the confidence minConfidence (0.5), or with only head words
//     (工程师, 技术员) as evidence, the classifier abstains: no occupation,
//     so the engine gives the post no occupation credit. A generic key with
//     no description to overrule it is kept at confidence 0.5.
//
// The thresholds were chosen on the dev split of a labelled set of 400 real
// titles (testdata/titles, with its labelling guide); the test split is
// only measured (benchmarks/RESULTS.md, "Occupation classifier on real
// titles (issue 8)").
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
package occupation
