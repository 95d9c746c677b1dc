package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
)

func main() {
	t := time.Now()
	c := cpu()
	domain := index.DomainWords() // loads the catalog files once
	fmt.Printf("catalog domain words: %d in %v (cpu %v)\n", len(domain), time.Since(t).Round(time.Millisecond), (cpu() - c).Round(time.Millisecond))
	if len(os.Args) > 1 {
		b, err := os.ReadFile(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		measure(os.Args[1], func() (*index.Segmenter, error) { return index.NewSegmenter(string(b), domain) })
	}
	measure("default (embedded dict_zh.txt + domain)", index.DefaultSegmenter)
}

func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func measure(name string, load func() (*index.Segmenter, error)) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t, c := time.Now(), cpu()
	s, err := load()
	d, dc := time.Since(t), cpu()-c
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	words, domain := s.DictionarySize()
	fmt.Printf("%s: %d words (%d domain) loaded in %v (cpu %v), live heap +%.0f MiB\n",
		name, words, domain, d.Round(time.Millisecond), dc.Round(time.Millisecond), float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20))
	runtime.KeepAlive(s)
}
