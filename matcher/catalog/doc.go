// Package catalog holds jobmatch's reference data as embedded files: the
// national occupational classification (2022), the national catalogues of
// majors at every level (中职, 高职专科, 高职本科, 本科, 研究生; see
// MAJORS.md) with the occupations each major leads to, the
// eight divisions of Urumqi, Xinjiang's universities, and the policy numbers
// of the city's graduate-employment plan (policy.json).
//
// It imports only the standard library; everything is parsed once, lazily,
// and shared read-only.
package catalog
