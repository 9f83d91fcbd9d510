"""The assignment lifecycle every duty shares: statuses, policy, ladder, answers, duties."""
