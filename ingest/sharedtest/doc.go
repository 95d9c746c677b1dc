// Package sharedtest finds, for any package's tests, the shared directory
// beside the repository (../shared: the real job posts of
// data/jobs-real, the plan's text in policy/ …). That data is third-party
// and never copied into the repository, so a clone without it must still
// pass its tests — but a run that is meant to check it (CI, a landing)
// must not pass by skipping.
//
// The directory is JOBMATCH_SHARED when it is set; otherwise the first
// directory named shared in the module root's parent or one of its
// ancestors that holds the file asked for (so a worktree nested deeper,
// such as /work/wt/NAME beside /work/shared, finds it too). When the file
// is not found the test is skipped, naming where it looked — or fails,
// when JOBMATCH_REQUIRE_SHARED=1, as .ci/run sets when it found the
// directory.
//
// It imports only the standard library and testing, so the tests of every
// package, the domain's included, may use it; it lives apart from the
// code the binary links (cmd/jobmatch's TestShippedBinaryHasNoTestingPackage
// keeps it out).
package sharedtest
