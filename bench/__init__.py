"""`make bench`: figures for the clinic network at two sizes (see docs/benchmarks.md). Not a test suite."""
