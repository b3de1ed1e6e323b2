"""Background workers: the outbox worker delivering pixels, webhooks and postbacks."""
