"""The inbound call engine: call records, routing orchestration, dial fall-through, settlement."""
