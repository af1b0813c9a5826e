"""Incident records: versioned attacks on defenders, their protected fields, imports and feeds."""
