"""Reports: the dashboard's totals and timeline, and the call log's CSV export."""
