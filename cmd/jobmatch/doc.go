// Command jobmatch ingests the city's job posts, courses and graduate ledger,
// indexes them, matches graduates to posts, and serves the results.
//
// All wiring lives here: flags, configuration and the order in which things
// are opened and closed. Each subcommand is a method of Main.
package main
