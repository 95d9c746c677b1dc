// Package synth generates the synthetic Urumqi data set that jobmatch is
// developed, demonstrated and evaluated on: posts.csv, courses.csv and
// graduates.csv in the canonical formats of docs/ingest.md.
//
// Why synthetic: the real graduate ledger is personal data that never leaves
// the employment service, and the real job posts we hold are a 2019 IT
// scrape. The matching core needs a city's worth of posts across the plan's
// six channels and a graduating class with schools, majors, skills,
// preferences and hardship categories that hang together, so the generator
// builds them from the project's own reference data (matcher/catalog):
//
//   - Posts follow the policy's channel plan exactly (catalog.LoadPolicy,
//     never hard-coded): with the default 25,000 posts, 1,000 / 800 /
//     20,000 / 1,800 / 400 / 1,000 over public_sector, state_owned, sme,
//     grassroots, military, self_employed. Internships (就业见习, 1,200 by
//     default, at least the plan's minimum) and 公益性岗位 (3%) are counted
//     inside those channel totals. Each post comes from an occupation
//     template (CSCO 2022 code, titles as portals word them — each title
//     carrying its own code when it names a neighbouring occupation, and
//     tests hold ingest/occupation to finding it —, fitting majors by
//     catalogue name or 专业类, skills and certificates, duties). Specialised
//     work (licensed medicine, teaching, law, public-sector engineering,
//     三支一扶's 支农 / 支教 / 支医) always names its majors, never 不限, so a
//     tourism graduate is never the natural fit of a 卫生院; conscription is
//     不限专业 from 大专 up within the age limits, 直招士官 by major; a
//     state-owned group posts only the specialised work it does. The
//     description is assembled from phrase pools with varied headings and
//     numbering, mentioning skills from the template, the lexicon
//     (catalog.Skills) and the named majors, 100–400 characters.
//   - About 1% of SME posts are re-exported by the second portal (source
//     xjrc vs wlmqrs) with light edits. These rows come after the Posts
//     primary rows and are on top of them: after near-duplicate detection,
//     exactly Posts distinct posts remain, in the plan's proportions.
//   - Graduates come from catalog.Universities (Urumqi's, and fewer from
//     elsewhere in Xinjiang); the degree follows the school's level, the
//     major the school's profile (medical, normal, finance, arts, vocational
//     …) and the catalogue level; birth dates, GB 11643 national IDs (region,
//     birth date, gender digit, check character), phones, hukou and
//     residence districts, skills, certificates, preferences, expected salary
//     and about 10% hardship categories are drawn consistently with each
//     other.
//   - Registration, contact and placement dates follow the policy's
//     milestones (90% registered and 60% placed by the end of July, …) and
//     are cut at Options.Now: the ledger is a snapshot, so at the default
//     2023-06-15 about a third of the 2023 cohort has settled, on the way to
//     the July target.
//   - Courses: skills courses naming the skills and certificates they
//     give, entrepreneurship courses (SYB, GYB, 网络创业 …) whose places
//     add up to the plan's 800, a 岗位能力提升培训 for each 专业类 the
//     graduates come from (built from the national catalogue: the class's
//     majors and what they train for; fieldcourses.go), and 就业引导性培训
//     sessions for every field (the plan's measure 14; one course in 25,
//     with no certificate).
//
// Every row has its own PCG stream derived from (seed, file, row index), so
// output is byte-identical for a seed, rows do not depend on map order or
// the clock, and a graduate's row does not change when the set grows.
// Files are written to a temporary name and renamed, so a failed run never
// leaves a half-written file.
package synth
