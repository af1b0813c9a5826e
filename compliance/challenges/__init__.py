"""Challenges: anyone may contest a certificate's claims; the company answers without ever
learning who filed; reviewers decide, within deadlines a scheduled job enforces."""
