// Package matcher is jobmatch's domain: the vocabulary of the city's
// graduate-employment plan (posts, internships, courses, graduates, channels,
// degrees, hardship categories), the interfaces of the services that persist
// and search it, and the matching core itself (eligibility rules, features,
// gonum scoring, diversification and Chinese explanations).
//
// It imports only the standard library and gonum, so every other package can
// depend on it and it depends on none of them: arrows point toward matcher.
// Reference data (majors, occupations, districts, universities and the
// policy numbers) lives in the sub-package catalog.
package matcher
