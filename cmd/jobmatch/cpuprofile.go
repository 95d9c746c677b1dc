package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// cpuProfileEnv names a file to write a CPU profile of the whole command
// to (go tool pprof reads it): the one-shot commands (ingest, recommend
// --local, batch) have no --pprof-addr to profile them through, and their
// cost is what an operator waits for.
const cpuProfileEnv = "JOBMATCH_CPUPROFILE"

// startCPUProfile starts the profile JOBMATCH_CPUPROFILE asks for; the
// returned stop writes it out. Without the variable it does nothing.
func startCPUProfile() (stop func(), err error) {
	path := os.Getenv(cpuProfileEnv)
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", cpuProfileEnv, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
