// Package casework is the counselors' casework as domain operations: the
// 一人一策 plan (read, edit, confirm), the contact log, the caseload and
// its dashboard. HTTP handlers decode a request, call one operation and
// encode its answer; the CLI and print views call the same operations, so
// a plan reads the same everywhere.
//
// It imports only the standard library, package matcher (the vocabulary,
// the eligibility and subsidy rules) and matcher/catalog (the policy), and
// talks to storage through the narrow interfaces in service.go. The
// matching engine is a port too (Recommender): proposals are computed by
// the nightly batch with the same function (Propose) an online request
// uses when the run has none.
//
// # The plan
//
// A plan is what a counselor's edits say (add, remove, pin, unpin,
// confirm; replayed oldest first) and, for a graduate the plan's item 23
// names (still looking, in a hardship category of the policy), what the
// published nightly run proposes: ranked posts, internships and courses,
// more than the plan needs. Until the counselor confirms, the plan is
// "proposed": the counselor's items come first, and proposed items fill it
// up to posts_max posts, two internships and courses_min distinct courses
// (an entrepreneurship course among them for a graduate who wants to start
// a business). A pin keeps a proposed item for good (it becomes the
// counselor's); a removal keeps it off every later proposal. So edits
// survive the next nightly run: the run changes only what the counselor
// has not decided. Confirming writes the proposed items as the counselor's
// own, in one transaction with the confirmation.
//
// Every item is checked when the plan is read: a post must be open and
// pass the eligibility rules (matcher.Eligible), a course must not have
// started and must have places, and a course counts once however many
// sessions of it are on the plan (matcher.CourseKey). Proposed items that
// fail are skipped; a counselor's item that fails stays, marked, and does
// not count. The subsidies are matcher.PlanSubsidies over what the plan
// has the graduate doing.
//
// # Edits
//
// An add is refused, with the rule's reason in Chinese, when the rules
// exclude the post for the graduate; an admin may override with a note
// (stored with the edit; the handler audits it). The post limit and the
// add are checked and written in one store transaction
// (matcher.ShortlistLog.UpdateShortlist), so concurrent adds never exceed
// posts_max.
//
// # The dashboard
//
// The plan's targets are rates of populations: placement (就业去向落实率)
// of this year's graduates (the policy's year: 2023届), registration
// (实名制登记率) of this year's graduates with Urumqi hukou (its item 1).
// The dashboard computes each on its population and shows numerator and
// denominator; earlier cohorts are counted beside them, not mixed in.
package casework
