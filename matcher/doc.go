// Package matcher is jobmatch's domain: the vocabulary of the city's
// graduate-employment plan (posts, internships, courses, graduates, channels,
// degrees, hardship categories), the interfaces of the services that persist
// and search it, and the matching core itself (eligibility rules, features,
// gonum scoring, diversification and Chinese explanations).
//
// It imports only the standard library and gonum, so every other package can
// depend on it and it depends on none of them: arrows point toward matcher.
// Reference data (majors, occupations, districts, universities and the
// policy numbers) lives in the sub-package catalog.
//
// # Matching
//
// An Engine (engine.go) holds every post and course compiled for matching;
// online requests, counselor shortlists and the nightly batch all call the
// same Recommend, so a portal and a shortlist agree. A request runs:
//
//  1. Eligibility (rules.go), absolute and first: named rules with Chinese
//     messages (closed, deadline, places, public_welfare, hukou, degree_min,
//     majors, internship_window, military_age, age_max, age_min). Policy
//     numbers (internship and military windows) come from catalog.Policy.
//     Each rule is written once, over a compiled graduate and post; Eligible
//     and Rule.Check run the table, the engine's scan runs firstFailing (the
//     table written out as plain comparisons, held equal to it by a test).
//     应届 means graduating in the year of the decision time.
//     Majors: same 专业 or 专业类 (first 4 code characters) passes; same 门类
//     (first 2) or a similar name passes only when the post says 相关专业.
//  2. Features (features.go), each in [0,1]: text (cosine of tf-idf vectors
//     over the Analyzer's terms, profile = major, skills, certificates),
//     major (the post's list of majors), occupation (catalogue affinity of
//     the major's occupations to the post's, by shared levels of CSCO 2022,
//     or what the posts themselves ask for per occupation, whichever is
//     larger), skills, degree, district (residence, hukou, preferred, an
//     adjacency table of the 8 divisions), salary, channel preference,
//     freshness, places, priority (military: Urumqi-hukou 应届).
//  3. Scoring (scoring.go): score = w·x with gonum, w from weights.json
//     (embedded; LoadWeights for another), ready to be re-learned.
//  4. Ranking (rank.go): per-channel top-M heaps (M = max(4K, K+32)), no
//     sort of the whole set; ties broken by post ID; then a greedy pick with
//     at most PerEmployer per employer and channel shares from the
//     graduate's preferred channels.
//  5. Explanations (explain.go): top reasons in Chinese and per-feature
//     contributions, computed only for the returned items.
//
// Why this shape: a request must stay within a few milliseconds over 25,000
// posts on two cores, so everything per post is precompiled (rules as
// integers and short strings, term vectors as sorted ids and float32
// weights, skills as ids, occupations as ids with their ancestors). What the
// scan reads for every post (postHot: rule inputs, static features, the
// first skill ids) sits in one contiguous array, so a scan over 250,000
// posts streams through memory instead of chasing pointers; text
// relevance goes through an inverted index (only posts sharing a term are
// touched), and per-request work that depends only on the graduate (the
// occupation affinity of every occupation, the district table, the verdict
// on each distinct list of majors) is computed once per request.
// RecommendExhaustive is the exact baseline (per-post merge, full sort) and
// a test holds its output equal to Recommend's.
//
// Live updates: Upsert/Remove take a short write lock; a replaced post
// leaves a dead slot, and the engine recompiles itself (refreshing the idf)
// when a quarter of its slots are dead, or on Compact.
//
// Courses (courses.go) are ranked by the skills and certificates the
// graduate's 30 best-fitting eligible posts ask for and the graduate lacks;
// each names the posts it would open. Candidates reads the rules and
// features the other way: the best graduates for one post.
package matcher
