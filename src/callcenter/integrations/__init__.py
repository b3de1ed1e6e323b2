"""Integrations: pixels, webhooks and postbacks delivered reliably; Twilio number provisioning."""
