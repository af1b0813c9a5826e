"""The public transparency log: an RFC 6962 / RFC 9162 Merkle tree, its proofs and signed heads.

Pure: hashes are kept behind the small `NodeStore` interface (in memory here, a database table
in the app), appends and proofs cost O(log n) node reads, and the verifiers need nothing but
the standard library, so the offline CLI can use them as they are.
"""
