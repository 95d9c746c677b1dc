// Package batch is the nightly batch: one run = every active graduate ×
// every open post, computed with the same matching engine as online
// requests, saved in chunks under a new run and published by flipping one
// pointer (matcher.RunWriter.PublishRun), so readers see the previous run
// until the new one is whole. It talks to the store only through matcher's
// interfaces and imports nothing but matcher, matcher/engine, matcher/catalog,
// matcher/casework (the 一人一策 proposal), matcher/itemjson (the stored
// items' encoding) and the standard library; `jobmatch batch`
// (cmd/jobmatch/batch.go) wires it.
//
// # Who is in a run
//
// config.json's active_statuses: seeking, unregistered and graduates whose
// status was never recorded. Placed (就业去向落实), employed and studying
// graduates are left out: they have a destination, and every slot shown to
// them is exposure taken from a post's limited places and from the
// graduates still looking. (The API computes a list online for anyone the
// run does not cover, if asked.) Personal data other than the hardship
// categories — which the eligibility rules and the 一人一策 shortlist need —
// is dropped from the in-memory copy, and nothing personal is logged: logs
// carry counts, run IDs and post IDs only.
//
// # Lists
//
// A graduate's list has Options.Limit posts (jobs and internships, default
// 8); a hardship graduate's has posts_min..posts_max (the limit clamped
// into that range; catalog Policy.Shortlist). Each stored item is the
// engine's matcher.Item JSON — what api/published.go passes through — with
// Rank set to its rank in the published list.
//
// For a 一人一策 graduate (matcher.PlanGraduate: still looking, in a
// hardship category the policy names) the run also stores the plan's
// proposal (casework.Propose, the function an online plan uses, and
// casework.StoreProposal): the published list's jobs, then further jobs of
// the candidates as reserves for the counselor's removals, the internships
// the rules let them take, distinct fitting courses, and the best post of
// each other channel when the posts span one (casework.Alternates, the
// function an online proposal spreads across channels with) — the extras as
// items marked Plan, ranked within their part, which the default list
// never serves. matcher/casework reads the proposal back and lays the
// counselor's edits over it, so pins and removals survive the next run.
//
// # Capacity
//
// Left to relevance alone, graduates of the same major get the same few
// posts: in the default generated data a single post is in thousands of
// lists. The capacity pass spreads exposure in proportion to places. Each
// open post p has places P_p = headcount − filled and a budget of k × P_p
// lists (k in config.json, capacity.k). Every post gets a discount d_p in
// [floor, 1]; a graduate's list is chosen from the engine's top depth × n
// diversified candidates by the engine's own ranking rule
// (engine.MixChannels, the function the engine's ranking runs: the
// per-employer cap and the channel mix of the graduate's preferences)
// applied to score × d_p (ties keep the engine's order), so a re-ranked
// list obeys the same rule as a list the engine serves. With all d_p = 1
// this choice is exactly the engine's own top-n list (a test checks it for
// every graduate).
//
// The discounts are prices, set before the lists are computed, from a
// fixed sample of active graduates (capacity.sample, chosen by a hash of
// their IDs): their candidate lists are computed once, and in each of
// capacity.rounds rounds the sample's exposure of every post, scaled to the
// whole run, gives E_p, and
//
//	d_p ← clamp(d_p × clamp((k·P_p / max(E_p, k·P_p/4))^(step/√round), ½, 2), floor, 1)
//
// — posts over budget get cheaper, posts under it recover — keeping the
// round with the least estimated overflow Σ max(0, E_p − k·P_p). The
// shrinking step stops a crowd from swinging between two posts. Fixed
// prices, rather than a running count that discounts a post as lists fill
// up, make a graduate's list independent of where their ID falls in the
// run's order (no one is disadvantaged for being computed late) and of how
// the run was split into chunks, attempts or shards; that is what makes a
// resumed run equal an uninterrupted one. The summary reports exposure
// before (relevance alone) and after, and the mean score lost.
//
// # Report
//
// Before a run is published, its report (matcher.RunReport, report.go and
// words.go) is saved with it: coverage by the posts' channel and the
// graduates' hukou district, counted over every list of the run (this
// attempt's from memory, a resumed run's earlier lists read back; in a
// sharded run each shard counts its own, ListCounts); exposure before and after the
// capacity pass and the mean score lost (this attempt's lists); the diff
// against the previous published run — graduates whose list holds a post
// it did not hold before are the ones to notify (`jobmatch runs diff`).
// Its summary says all this in sentences a bureau reads: each technical
// figure says what it means, and a figure that got worse is named as the
// price paid for spreading the lists. A published item the capacity pass
// put in place of a more relevant, crowded post carries the reason
// 分散推荐 (capacityReason), so a list that differs from the API's online
// list says why.
//
// # Resuming
//
// Run IDs are batch-YYYYMMDD (the decision day), then -2, -3 … . The run's
// note holds a fingerprint of its inputs (every open post's ID, version
// and places, every course, every active graduate's ID, version and
// status, the weights, the policy, the limit). A run that stops unpublished
// — killed, cancelled, a store error — is resumed automatically by the next
// batch of the same decision day with the same fingerprint: graduates whose
// lists were committed (RunGraduateIDs) are skipped, the prices are
// recomputed from the same sample and so are the same. When the inputs
// changed, the unfinished run is marked failed ("superseded") and a new run
// starts, because its saved lists could not be completed consistently.
// --resume makes resuming mandatory (an error when there is nothing to
// resume); --fresh abandons an unfinished run. The run is published only
// when every active graduate's list is saved.
//
// # Next step: shards on many machines (River)
//
// Not built yet; the design, for more graduates than one machine serves:
//
//  1. A coordinator (`jobmatch batch --shards N`) loads the inputs, creates
//     the run (ID and fingerprint as now), computes the prices from the
//     sample and stores them with the run — a river job argument is too
//     small for 25,000 floats, so a run_prices table (run_id, post_id,
//     discount) in PostgreSQL, written in the same transaction as the
//     jobs are enqueued.
//  2. It enqueues N river jobs (github.com/riverqueue/river with
//     riverpgxv5 on the same pgx pool) of kind "batch_shard", args {run_id,
//     shard, shards, fingerprint}, UniqueOpts by (run_id, shard), with
//     river's InsertManyTx in that transaction: the run, its prices and its
//     shards appear together or not at all.
//  3. A worker (any `jobmatch serve` or `jobmatch worker` replica) builds
//     the engine over the same snapshot (posts open at the run's decision
//     time; a changed fingerprint fails the job permanently), takes the
//     graduates of its slice (built: the coordinator cuts the ID-ordered
//     active graduates into N ID ranges stored with the shards, Slice; a
//     shard reads and fingerprints only its range — shards queued before
//     schema 12 take hash(ID) mod N = shard among all), skips those
//     already saved, and saves chunks exactly as Run does — a retried job
//     is a resume. SaveRecommendations already locks the run FOR SHARE, so
//     shards write concurrently and PublishRun (FOR UPDATE) waits for them.
//  4. The last shard to finish (a river job completion hook, or a final
//     "batch_publish" job scheduled after all shards with a check that
//     every active graduate is saved) calls PublishRun.
//
// Because the prices are fixed before any shard starts, the lists do not
// depend on how graduates are split, so N shards give the same run as one
// machine. Exposure metrics, coverage and the diff are summed from per-shard
// counts (ListCounts).
package batch
