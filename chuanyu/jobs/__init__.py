"""Joint job information system: both regions' postings, shared in real time, one search."""
