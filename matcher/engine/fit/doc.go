// Package fit chooses the matching engine's weights from graded judgments:
// people's grades of (graduate, post) pairs, read as pairs of posts one
// graduate should see in a given order. The engine computes the feature
// vectors (engine.FeatureVectors); this package fits a pairwise logistic
// loss over them with gonum's optimiser and says how well the fit orders
// pairs it has not seen. It is a separate package so that the service's
// binary does not carry the optimiser; benchmarks/relevance_fit_test.go is
// the command that fits matcher/engine/weights.json on the development set.
package fit
