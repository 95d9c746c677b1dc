package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// `jobmatch recommend` builds the matching engine over every open post,
// which takes seconds to tens of seconds on a full ledger, for one list. A
// server already holds the engine: when one runs on the same data
// directory (its control file, as `jobmatch keys` finds it) or --server
// names one, recommend asks it instead and answers in milliseconds. The
// server answers as of its own date (its --now), audits the request like
// any other, and may serve the stored graduate's list from the published
// nightly run, as the API does; --local builds the engine here instead.

// recommendServer is the server recommend asks, or nil to build the engine
// here: --server URL with JOBMATCH_API_KEY (or JOBMATCH_ADMIN_KEY), else a
// live server on this data directory.
func (m *Main) recommendServer(server string) (*keyAPI, error) {
	if server == "" {
		return m.runningServer("")
	}
	key := os.Getenv("JOBMATCH_API_KEY")
	if key == "" {
		key = os.Getenv("JOBMATCH_ADMIN_KEY")
	}
	if key == "" {
		return nil, &usageError{"recommend --server needs an API key (counselor or admin for --graduate) in JOBMATCH_API_KEY"}
	}
	return &keyAPI{base: server, key: key, client: &http.Client{Timeout: 30 * time.Second}}, nil
}

// recommendThrough asks the server c for the list of the stored graduate
// id, or of the profile in the file profile (already read into g), and
// returns it with the graduate the heading names.
func (m *Main) recommendThrough(ctx context.Context, c *keyAPI, id, profile string, g *matcher.Graduate, q matcher.Query) (*matcher.Graduate, *matcher.Result, error) {
	var res matcher.Result
	if profile != "" {
		b, err := os.ReadFile(profile)
		if err != nil {
			return nil, nil, fmt.Errorf("profile: %w", err)
		}
		body := map[string]any{"profile": json.RawMessage(b), "limit": q.Limit, "channel": q.Channel, "kind": q.Kind}
		if err := c.call(ctx, "POST", "/v1/recommendations", body, &res); err != nil {
			return nil, nil, err
		}
		return g, &res, nil
	}
	v := url.Values{"limit": {strconv.Itoa(q.Limit)}}
	if q.Channel != "" {
		v.Set("channel", string(q.Channel))
	}
	if q.Kind != "" {
		v.Set("kind", string(q.Kind))
	}
	path := "/v1/graduates/" + url.PathEscape(id)
	var sg matcher.Graduate
	if err := c.call(ctx, "GET", path, nil, &sg); err != nil {
		return nil, nil, err
	}
	if err := c.call(ctx, "GET", path+"/recommendations?"+v.Encode(), nil, &res); err != nil {
		return nil, nil, err
	}
	return &sg, &res, nil
}
