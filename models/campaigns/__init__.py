"""Prevention campaigns: planned by region, target group and channel; reach reported and mapped."""
