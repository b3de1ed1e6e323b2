"""Campaigns: what tracking numbers lead to, how calls are routed, capped and paid."""
