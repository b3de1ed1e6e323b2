"""Telephony: the provider-neutral voice instructions, the Twilio provider and its webhooks."""
