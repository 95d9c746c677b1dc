package main

import (
	"bufio"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	minFreq := flag.Float64("min", 8, "keep words with at least this frequency")
	out := flag.String("out", "dict_zh.txt", "output file")
	in := flag.String("in", "", "input dictionary (default: s_1.txt of the gse module)")
	flag.Parse()
	if err := run(*in, *out, *minFreq); err != nil {
		slog.Error("gendict", "err", err)
		os.Exit(1)
	}
}

func run(in, out string, minFreq float64) error {
	if in == "" {
		dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/go-ego/gse").Output()
		if err != nil {
			return fmt.Errorf("locating the gse module: %w", err)
		}
		in = filepath.Join(strings.TrimSpace(string(dir)), "data", "dict", "zh", "s_1.txt")
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	tmp := out + ".tmp"
	w, err := os.Create(tmp)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	sc := bufio.NewScanner(f)
	line, kept := 0, 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		freq, err := strconv.ParseFloat(fields[1], 64)
		if err != nil {
			w.Close()
			os.Remove(tmp)
			return fmt.Errorf("%s:%d: frequency %q: %w", in, line, fields[1], err)
		}
		if freq < minFreq {
			continue
		}
		kept++
		fmt.Fprintln(bw, strings.Join(fields, " "))
	}
	if err := sc.Err(); err != nil {
		w.Close()
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	slog.Info("gendict", "in", in, "lines", line, "kept", kept, "min", minFreq)
	return os.Rename(tmp, out)
}
