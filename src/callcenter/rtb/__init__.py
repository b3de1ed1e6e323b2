"""Real-time bidding: ring-tree auctions against external bidders."""
