"""Call flows: versioned IVR graphs executed as TwiML."""
