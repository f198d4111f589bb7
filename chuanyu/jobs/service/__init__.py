"""Use cases of the jobs domain."""
