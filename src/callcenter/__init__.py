"""CallCenter Pro: pay-per-call and call-tracking platform."""

__version__ = "0.1.0"
