// Package engine is jobmatch's matching engine: it compiles every open
// post and course for matching and answers recommendation requests
// (Recommend, RecommendCourses) and reverse matching (Candidates) from
// memory. Online requests, counselor shortlists and the nightly batch
// (matcher/batch) all call the same Recommend, so a portal and a shortlist
// agree.
//
// Why "engine": the package is one resident, concurrently read and
// incrementally updated structure (the Engine) with everything a request
// needs precompiled, not a library of scoring functions; the domain it
// serves (the rules, the vocabulary) is package matcher, which it imports.
// It is the only package of the matching core that imports gonum.
//
// # Matching
//
// An Engine (engine.go) holds every post and course compiled for matching
// (compile.go, records.go; text.go for the tf-idf vectors and the inverted
// index, occupations.go for the occupation tree and what posts ask for per
// occupation). A request reads top to bottom in recommend.go:
//
//  1. Profile (graduate.go): the graduate compiled once per request — the
//     domain's matcher.GraduateFacts with a memo of the verdict on each
//     distinct list of majors, then the engine's part: profile vector and
//     skill ids (from the profile cache, profile_cache.go), the occupation
//     affinity of every occupation, the district and channel tables.
//  2. Eligibility, absolute and first: package matcher's rules
//     (matcher.FirstFailing) over the facts the engine compiled — each
//     post's matcher.PostFacts sit in the hot array the scan streams
//     through. Excluded posts are counted per rule and, on request,
//     explained (matcher.Explain).
//  3. Features (features.go, entry.go), each in [0,1]: text (cosine of
//     tf-idf vectors over the Analyzer's terms, profile = major, skills,
//     certificates), major (the post's list of majors), occupation
//     (affinity of the graduate's major to the post's occupation, when the
//     classifier named one), skills and certificates (the shares of each
//     the graduate has), degree, experience (the years the post asks of a
//     graduate who has none), entry (the title is not above entry level:
//     经理, 主管, 资深 … without 储备, 助理 …), district (residence, hukou,
//     preferred, an adjacency table of the 8 divisions), salary, channel
//     preference, freshness, places, priority (military: Urumqi-hukou 应届).
//  4. Score (scoring.go): the fit score w·x over every feature but the
//     preferences (district, salary, channel, freshness, places), with
//     gonum; a post whose fit score reaches the fit threshold adds the
//     preferences' share. A preference therefore reorders the posts that
//     fit and never lifts one that does not above one that does, and the
//     channel mix never places a post below the threshold. w and the
//     threshold come from weights.json (embedded; LoadWeights for
//     another), fitted on judged real posts (see "The weights").
//  5. Rank (rank.go): per-channel top-M heaps (M = max(4K, K+32)), no
//     sort of the whole set; ties broken by post ID; then a greedy that
//     fills the list one position at a time (see "The channel mix").
//  6. Explain (explain.go): top reasons in Chinese and per-feature
//     contributions, computed only for the returned items; one reason
//     writer per feature.
//
// Steps 2–4 run per post inside scan (recommend.go); everything else runs
// once per request.
//
// Where to add things: a rule goes into the domain (matcher/eligibility.go)
// and the engine picks it up; a feature is a constant and a name in
// features.go, a line in featureVectorHot, a weight in weights.json and a
// reason writer in explain.go (a feature that needs per-post data adds it
// to postHot in records.go and fills it in compilePost).
//
// # The weights
//
// weights.json is written by a command, not by hand:
// `JOBMATCH_RELEVANCE_FIT=1 go test ./benchmarks -run TestRelevanceFitWeights -v`
// reads the development set of real posts judged by people
// (benchmarks/testdata/relevance), takes each dev profile's judged posts
// (and unjudged random posts, presumed not relevant: the collection is
// mostly posts that fit no one) through FeatureVectors, and fits the fit
// features' weights with a pairwise logistic loss (package fit, gonum's
// L-BFGS); the held-out profiles are never read by the fit, and the file
// records the figures measured on both splits after it. Preferences keep
// hand-set weights: the judged profiles state none. The threshold is where
// the fit score makes a post as likely plausible (grade ≥ 1) as not.
// A weight of 0 says the feature did not help on the judged set, not that
// it is unused: it is computed, explained, and fitted again next time.
//
// # The channel mix
//
// Position i of a list takes, among the open posts (not yet listed, their
// employer under PerEmployer items so far), with best the best open post
// and a post "fitting" when its score is at least best − 0.25·|best| and
// at least the fit threshold:
//
//  1. the best fitting post of a preferred channel that holds fewer than
//     its floor ⌈i·share⌉ of the first i items — the preferred channels
//     together are owed half the list, split by rank: with n preferences
//     the one ranked r has share ½·(n−r+1)/(1+…+n);
//  2. otherwise best, unless best's channel already holds ⌈i·3/5⌉ of the
//     first i items (the dominance cap: at most 2 of 3, 5 of 8) and
//     another channel, or a post of no known channel, has a fitting post:
//     then the best of those.
//
// The mix applies when the graduate named preferred channels and the query
// fixed none; otherwise only the employer cap does. Without the tolerance
// gate the mix crushed fit: in the generated data graduates mostly prefer
// public_sector or state_owned, which hold few of their fitting posts,
// while sme holds four posts in five, so hard shares filled lists with
// posts that fit badly. With the gate, a floor or the cap only ever places
// a post nearly as good as the best, a preferred channel with nothing
// fitting forces nothing in, and a channel that alone holds the fitting
// posts keeps them (benchmarks/RESULTS.md measures both sides).
//
// Why a greedy: position i depends only on positions 1..i−1 and the
// candidates, never on the limit, so a longer list always begins with the
// shorter one (prefix-stable): the nightly batch keeps 8 items and serves
// shorter requests from them, and a portal that asks for more never sees
// what it showed reordered. The price is that a mixed list is not always in
// descending score order. MixChannels exports the same function over plain
// candidates; the nightly batch re-ranks with it, so its capacity-adjusted
// lists obey the engine's rule.
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
// Loading (load.go): Load reads the open posts and courses from a store
// and builds an engine over them, for the service and the nightly batch
// alike.
//
// The plan's priority (its item 5: 乌鲁木齐户籍应届 graduates may enlist
// first): for a graduate who has it and names the military as their first
// channel (matcher.MilitaryFirst), the conscription posts they may take
// head the list (up to 3, recommend.go's rankMilitaryFirst), whatever
// their score; the nightly batch's lists follow the same rule.
//
// Courses (courses.go) are ranked by the skills and certificates the
// graduate's 30 best-fitting eligible posts ask for and the graduate lacks;
// each names the posts it would open. Only courses that fit are listed:
// not started, with places, not for what the graduate holds, and for their
// major, filling an occupational gap of several of those posts (one among
// the plan's 8), or entrepreneurship training for 创业意向; one course per
// subject. A list short of the plan's three is filled with general
// training: a course for no field teaching what a plan post asks, then
// one session of 就业引导性培训 (every graduate's: 措施14). Candidates (candidates.go) reads the rules and features the
// other way: the best graduates for one post.
package engine
