// Package itemjson writes a recommendation item (matcher.Item) as
// encoding/json does, byte for byte, without reflection: the API writes
// lists of them on every request (api/resultjson.go) and the nightly batch
// stores tens of thousands a run (encoding them with encoding/json, the
// contributions' maps sorted through reflect, was 4–5% of a run's CPU).
// TestItemJSONIsEncodingJSON, FuzzItemJSON and the API's
// TestResultJSONIsEncodingJSON hold it to encoding/json's output.
package itemjson
