"""Skills swap and mentoring: listings, the matchmaker, matches, safeguarding, cohorts."""
