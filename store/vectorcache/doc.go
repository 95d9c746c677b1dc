// Package vectorcache keeps the matching engine's text side of a build —
// the vocabulary, the document frequencies and every open post's text
// vector (engine.PostVectors) — in a file of the data directory, so that
// the next one-shot command over the same open posts (`jobmatch recommend
// --local`, `jobmatch shortlist`) takes them as they are instead of looking
// up every post's term counts (store/termcache) and computing every vector
// again: about 0.9 of a `recommend --local`'s 2.3 CPU-seconds on the
// generated 23,771 open posts.
//
// The file holds one build's vectors under the engine's key
// (engine.PostVectorsKey: a hash of the posts' IDs, their order and the
// texts the text feature reads), and is tied as a whole to the analyzer
// that cut them (Open's analyzer argument: cmd passes the executable's
// identity). A post added, removed, changed or closed by the decision time
// changes the key: the engine then computes the vectors and the command
// writes them over the file. Nothing is trusted that is not checked: a
// CRC-32C covers the file, no count in it is believed past the file's
// size, and the engine checks the vectors against the posts before it
// uses them (engine.Engine's storedVectors); a file that fails any check
// is ignored — the cache only ever saves time, never decides an answer.
// Save writes through a temporary file renamed over the old one, so a
// reader never sees half a file. The file holds words of post texts and
// numbers only — no graduate data.
package vectorcache
