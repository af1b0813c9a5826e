"""Organisations, users, API tokens and sign-in."""
