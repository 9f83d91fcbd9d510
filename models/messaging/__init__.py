"""Messages: views without personal data, rendering, composing, the outbox, MIME."""
