"""The institutions' portal: answers through signed links."""
