"""The engine's base: database, settings, time, calendar, legal clocks, tokens, history."""
