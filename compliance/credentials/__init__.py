"""Signed certificates as W3C Verifiable Credentials: the pure, security-critical core.

No Flask, no database, no clock: canonical JSON (`jcs`), Data Integrity proofs with the
`eddsa-jcs-2022` cryptosuite (`data_integrity`), key encodings (`multibase`, `multikey`, `jwk`),
signing keys in a directory with rotation and JWKS (`keys`), credential timestamps
(`timestamps`), and the Bitstring Status List (`status_list`) that publishes revocation and
suspension.
"""
