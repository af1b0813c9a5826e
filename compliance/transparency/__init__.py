"""The public transparency log: an RFC 6962 / RFC 9162 Merkle tree, its proofs and signed heads.

merkle.py, verify.py and tree_head.py are pure: hashes sit behind the small `NodeStore`
interface (in memory, or the SQL table of db_store.py), appends and proofs cost O(log n) node
reads, and the verifiers need nothing but the standard library, so the offline CLI uses them as
they are. service.py, models.py and db_store.py keep the log in the database.
"""
