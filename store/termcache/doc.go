// Package termcache keeps the matching engine's per-post term counts in a
// file of the data directory between builds (engine.TermStore), so that
// `jobmatch recommend --local`, `jobmatch batch` and a starting `jobmatch
// serve` cut only the posts whose texts are new instead of all of them:
// cutting the texts was over half of a build's CPU on the generated
// 25,000 posts. Beside a post's counts it keeps, once an explanation has
// needed them, which of its terms are words its title and description
// show (Cache.Shown, engine.ShownStore): the nightly batch explains some
// 9,300 posts, and cutting their texts again for that was 3.5–4% of a
// run.
//
// A count is keyed by a hash of the texts it was cut from (the engine's
// key), so a changed post is cut again and nothing needs invalidating by
// hand; the file as a whole is tied to the analyzer that cut it (Open's
// analyzer argument: cmd passes the executable's identity, as the
// dictionaries are compiled in) and ignored when that differs. The file
// holds word counts of post texts only — no graduate data — and a file
// that cannot be read is treated as empty: the cache only ever saves
// time, never decides an answer. Save writes the counts the last build
// used (a post gone is dropped), through a temporary file renamed over
// the old one, so a reader never sees half a file.
package termcache
