"""The recommendation tracker: outside evaluators' recommendations, followed to a reply."""
