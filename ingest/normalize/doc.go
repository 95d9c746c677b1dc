// Package normalize turns the cells of portal exports into jobmatch's
// domain values: salary text into min/max/period, education levels, the
// eight divisions of Urumqi, majors matched to the national catalogues,
// citizen ID and phone numbers, dates (including Excel serials), counts,
// yes/no cells, and the plan's channels, post kinds, hardship categories,
// graduate statuses and course categories.
//
// Why a package of its own: every reader (CSV, JSON Lines, XLSX), the
// synthetic-data generator's round-trip tests and the API's profile
// validation must agree on what "8-12K", "本科及以上" or "经开区" mean, and
// the rules are many and fiddly enough to deserve their own tests and fuzz
// targets.
//
// Contract shared by every function:
//   - Pure: no I/O, no logging, no global state beyond read-only tables
//     built once; safe for concurrent use.
//   - Hostile input never panics (each parser has a go test -fuzz target
//     with seeds under testdata/fuzz). Invalid UTF-8 is read as U+FFFD.
//   - Every value is first cleaned by Text, so full-width digits, U+3000,
//     NBSP and zero-width characters do not matter.
//   - An empty cell is "unknown": the zero value and a nil error, except
//     where empty has a meaning of its own (Degree: no requirement; Kind:
//     job; Bool: false). Whether a field is required is the caller's rule.
//   - Errors are *matcher.Error with code EINVALID, a Chinese message a
//     clerk can act on (Message), an English one (MessageEN) and Field set
//     to the canonical column; the importer adds file, line and column.
//     Messages quote at most 32 characters of the offending value, and
//     never the value at all for 身份证号 and phone numbers, which are
//     personal data and must not reach reports or logs.
//
// What the salary conventions are (万 without a period is yearly, units
// shared across a range, 面议 carries no numbers) is documented on Salary.
package normalize
