// Package matcher is jobmatch's domain: the vocabulary of the city's
// graduate-employment plan, the eligibility rules, the errors and the
// interfaces of the services that persist and search it. It is the package
// a newcomer reads first; every other package depends on it and it
// depends on none of them (arrows point toward matcher). It imports only
// the standard library and matcher/catalog, the embedded reference data
// (majors, occupations, districts, universities and the policy numbers).
//
// # What is where
//
//   - The plan's vocabulary: post.go (Post, Kind, Channel, Salary,
//     PostStatus), course.go, graduate.go (Graduate, Hardship,
//     GraduateStatus, masking), degree.go, nationalid.go; a recommendation
//     as the engine returns it and the batch stores it: recommendation.go
//     (Query, Item, Result, Exclusion, Candidate).
//   - Eligibility: eligibility.go holds the rule table (names, what each
//     rule demands and why it excludes, in Chinese, and each check, in the
//     order they are checked); facts.go compiles a graduate (at a decision
//     time, under a catalog.Policy) and a post into the facts the rules
//     read; majors.go resolves majors against the catalogue and says how
//     closely two meet.
//   - The plan's rules besides eligibility: subsidies.go (each subsidy's
//     conditions, read from the policy, judged for a graduate and a plan:
//     applies, 可申请，需核实, or not, with why and the plan's sentence),
//     military.go (conscription ages per degree and gender), cohort.go
//     (registered, placed, looking, contact overdue, years since leaving,
//     who gets a 一人一策 plan), hardship.go (the categories and the words
//     ledgers and the plan use for them), plan.go (the 一人一策 plan as a
//     value a print view renders, and the nightly run's proposal). The
//     casework operations over them are matcher/casework.
//   - Errors: errors.go (coded, bilingual; package api maps each code to
//     one HTTP status).
//   - Store interfaces, narrow, one per consumer: store.go (posts,
//     courses, graduates, the change feed, and the composites Store and
//     FullStore that both backends implement), imports.go (import reports
//     and resumable imports), keys.go (roles and API keys), audit.go,
//     feedback.go, runs.go (RunWriter for the nightly batch, RunReader for
//     serving published lists), casework.go (contact log, shortlist edits).
//   - analyzer.go: the Analyzer port the index's gse segmenter implements.
//
// The scoring itself — compiled posts, tf-idf, features, gonum scoring,
// ranking, explanations — is matcher/engine.
//
// # Eligibility
//
// Rules are absolute and come first: a post the graduate fails any rule
// for is never recommended, and the rule that excluded it can be shown.
// The rules, in order: closed, deadline, places, public_welfare, hukou,
// degree_min, majors, internship_window, military_age, age_max, age_min.
// Policy numbers (internship and military windows) come from
// catalog.Policy. 应届 means graduating in the year of the decision time.
// Majors: same 专业 or 专业类 (first 4 code characters) passes; same 门类
// (first 2) or a similar name passes only when the post says 相关专业.
//
// Each rule is written once, as a check over compiled facts
// (GraduateFacts, PostFacts and, for the few posts that restrict hukou or
// majors, PostRestrictions). Eligible builds the facts on the spot;
// the engine builds them once per post and once per request, embeds them
// in its compiled records and runs FirstFailing, which calls the table's
// checks directly in the table's order (a test holds the two equal). To
// add a rule: a name constant, an entry in the table with its check and
// message, a case in FirstFailing, and any new fact in facts.go.
package matcher
