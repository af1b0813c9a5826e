"""Periodic jobs (feed syncs, certificate expiry, challenge deadlines), run once per period
however many processes tick."""
