"""Studies of a scenario: run, operate (rolling operation), size (sizing) and sweep; one StudyResult."""
