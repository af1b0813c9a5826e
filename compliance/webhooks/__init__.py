"""Webhooks: investors' alerts POSTed as signed JSON, retried with backoff until delivered."""
