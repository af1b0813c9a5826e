"""Notifications: an outbox of e-mail messages, delivered over SMTP when configured."""
