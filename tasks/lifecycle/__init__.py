"""The daily sweep's units of work: advance, bundle, run each duty's hook."""
