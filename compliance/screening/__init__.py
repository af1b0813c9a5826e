"""Screening: stored matches between incident records and organisations, suppliers and sites,
their review, the organisations' right of reply, and the jobs that keep matches current.

The matching itself is the pure engine in `compliance.matching`; this package feeds it from
the database and keeps what it finds.
"""
