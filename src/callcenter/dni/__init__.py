"""Dynamic number insertion: tracking tags, t.js, pool leasing and visitor-to-call attribution."""
