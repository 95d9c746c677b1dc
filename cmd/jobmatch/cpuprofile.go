package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"runtime/trace"
)

// cpuProfileEnv names a file to write a CPU profile of the whole command
// to (go tool pprof reads it): the one-shot commands (ingest, recommend
// --local, batch) have no --pprof-addr to profile them through, and their
// cost is what an operator waits for.
const cpuProfileEnv = "JOBMATCH_CPUPROFILE"

// traceEnv names a file to write a runtime trace of the whole command to
// instead of the CPU profile (go tool trace reads it). On the shared
// machine a wall time says more about the neighbours than about the
// command; the trace says when its goroutines wanted a core and got none,
// or when one core had nothing to run, whatever the load.
const traceEnv = "JOBMATCH_TRACE"

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
	if tp := os.Getenv(traceEnv); tp != "" {
		f, err := os.Create(tp)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", traceEnv, err)
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", traceEnv, err)
		}
		return func() { trace.Stop(); f.Close() }, nil
	}
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
