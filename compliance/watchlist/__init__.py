"""Watchlists: investors watch organisations and are alerted when something changes on them."""
