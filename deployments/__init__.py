"""How Concord runs: the command line, deployments and the local stack."""
