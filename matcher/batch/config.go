package batch

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

//go:embed config.json
var defaultPolicyJSON []byte

// Config is the batch's configuration: which graduates a run covers and how
// exposure is spread across posts. config.json (embedded) holds the
// defaults and documents the formula; next year's numbers change the file,
// not the code.
type Config struct {
	Doc     string `json:"doc,omitempty"`
	Version string `json:"version,omitempty"`
	// ActiveStatuses are the graduate statuses a run covers; "" stands for
	// a graduate whose status was never recorded.
	ActiveStatuses []matcher.GraduateStatus `json:"active_statuses"`
	Capacity       Capacity                 `json:"capacity"`
}

// Capacity parameterises the capacity-aware re-ranking (see doc.go).
type Capacity struct {
	// K is how many lists a post may appear in per place left before its
	// score is discounted. 0 turns the re-ranking off (pure relevance).
	K float64 `json:"k"`
	// Floor is the smallest discount: a post is never pushed below
	// Floor × its relevance, so a very relevant post stays reachable.
	Floor float64 `json:"floor"`
	// Step is the exponent of each price adjustment (damping; 0 < Step ≤ 1).
	Step float64 `json:"step"`
	// Rounds of price adjustment on the sample.
	Rounds int `json:"rounds"`
	// Depth × the list length is how many of the engine's diversified
	// candidates a list is re-ranked from.
	Depth int `json:"depth"`
	// Sample is how many graduates (a fixed hash-ordered subset) estimate
	// the exposure the prices are set from; all of them when fewer.
	Sample int `json:"sample"`
}

// DefaultConfig returns the embedded config.json.
func DefaultConfig() Config {
	c, err := ParseConfig(defaultPolicyJSON)
	if err != nil {
		// Embedded at build time; TestDefaultConfig keeps it valid.
		panic(fmt.Sprintf("batch: embedded config.json: %v", err))
	}
	return c
}

// LoadConfig reads a batch configuration file.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("batch config: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses and validates a batch configuration document; unknown fields
// are rejected so that a misspelt parameter is not silently ignored.
func ParseConfig(b []byte) (Config, error) {
	var c Config
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("batch config: %w", err)
	}
	return c, c.Validate()
}

// Validate checks every parameter's range, naming the field at fault.
func (c *Config) Validate() error {
	bad := func(field, why string) error {
		return &matcher.Error{Code: matcher.EINVALID, Field: field,
			Message: fmt.Sprintf("批处理配置 %s：%s", field, why), MessageEN: fmt.Sprintf("batch config %s: %s", field, why)}
	}
	if len(c.ActiveStatuses) == 0 {
		return bad("active_statuses", "不能为空 / must not be empty")
	}
	for _, s := range c.ActiveStatuses {
		switch s {
		case "", matcher.StatusUnregistered, matcher.StatusSeeking, matcher.StatusPlaced, matcher.StatusEmployed, matcher.StatusStudying:
		default:
			return bad("active_statuses", fmt.Sprintf("未知状态 %q / unknown status %q", s, s))
		}
	}
	k := c.Capacity
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case !finite(k.K) || k.K < 0:
		return bad("capacity.k", "须为非负数 / must be a non-negative number")
	case !finite(k.Floor) || k.Floor <= 0 || k.Floor > 1:
		return bad("capacity.floor", "须在 (0, 1] 内 / must be in (0, 1]")
	case !finite(k.Step) || k.Step <= 0 || k.Step > 1:
		return bad("capacity.step", "须在 (0, 1] 内 / must be in (0, 1]")
	case k.Rounds < 0 || k.Rounds > 1000:
		return bad("capacity.rounds", "须在 0–1000 内 / must be in 0..1000")
	case k.Depth < 1 || k.Depth > 20:
		return bad("capacity.depth", "须在 1–20 内 / must be in 1..20")
	case k.Sample < 0:
		return bad("capacity.sample", "不能为负数 / must not be negative")
	}
	return nil
}

// active reports whether a graduate with status s is in the run.
func (c *Config) active(s matcher.GraduateStatus) bool {
	for _, a := range c.ActiveStatuses {
		if a == s {
			return true
		}
	}
	return false
}
