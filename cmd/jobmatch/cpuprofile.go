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

// allocProfileEnv names a file to write the command's allocation profile
// to when it ends (go tool pprof -sample_index=alloc_space reads it): what
// a run allocates is what its garbage collection costs.
const allocProfileEnv = "JOBMATCH_ALLOCPROFILE"

// startCPUProfile starts the profile JOBMATCH_CPUPROFILE asks for; the
// returned stop writes it out, and the allocation profile
// JOBMATCH_ALLOCPROFILE asks for. Without the variables it does nothing.
func startCPUProfile() (stop func(), err error) {
	cpu, err := startCPU()
	if err != nil {
		return nil, err
	}
	path := os.Getenv(allocProfileEnv)
	if path == "" {
		return cpu, nil
	}
	return func() {
		cpu()
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "jobmatch: %s: %v\n", allocProfileEnv, err)
			return
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fmt.Fprintf(os.Stderr, "jobmatch: %s: %v\n", allocProfileEnv, err)
		}
	}, nil
}

func startCPU() (stop func(), err error) {
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
