// Package synthtest builds, for tests and load runs, the stack `jobmatch
// demo` serves: a generated Urumqi data set (package synth) imported
// through the real importer into a bolt store and, when asked, a bleve
// index, and a matching engine over the posts open at the decision time.
// The API's browser tests and the benchmarks' load and page timings each
// built this by hand; they differ only in size, in which files they import
// and in whether the index is filled, which Options says.
//
// Like store/storetest it imports testing and is linked only by tests
// (cmd/jobmatch's TestShippedBinaryHasNoTestingPackage keeps it out of the
// binary).
package synthtest
