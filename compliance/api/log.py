"""The public transparency log: signed tree heads, entries and proofs, for anyone, no token."""

from __future__ import annotations

from flask import current_app
from pydantic import Field, model_validator

from compliance import db, policy
from compliance.accounts.actor import current_actor
from compliance.api import blueprint, public, respond
from compliance.clock import now
from compliance.credentials.keys import current_signing_key
from compliance.pagination import QueryModel
from compliance.transparency import service as log_service
from compliance.transparency.models import (
    ConsistencyProofPublic,
    InclusionProofPublic,
    LogEntryPage,
    LogEntryPublic,
    TreeHeadPublic,
)
from compliance.transparency.tree_head import MAX_TREE_SIZE

bp = blueprint(
    "api_log",
    __name__,
    tag="Transparency log",
    description="Every certificate issue and status change, challenge step, methodology "
    "publication and key rotation, in an append-only Merkle log (RFC 6962 hashing)",
)


class EntriesQuery(QueryModel):
    start: int = Field(default=0, ge=0, le=MAX_TREE_SIZE, description="First index")
    end: int | None = Field(
        default=None,
        ge=0,
        le=MAX_TREE_SIZE,
        description=f"One past the last index; at most {log_service.MAX_PAGE} entries per call",
    )


class InclusionQuery(QueryModel):
    index: int | None = Field(default=None, ge=0, le=MAX_TREE_SIZE, description="Entry index")
    leaf_hash: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$", description="Or the entry's leaf hash, hex"
    )
    tree_size: int = Field(
        ge=1, le=MAX_TREE_SIZE, description="Size of the signed tree head to prove against"
    )

    @model_validator(mode="after")
    def one_entry(self) -> InclusionQuery:
        if (self.index is None) == (self.leaf_hash is None):
            raise ValueError("give either index or leaf_hash, not both or neither")
        return self


class ConsistencyQuery(QueryModel):
    first: int = Field(ge=0, le=MAX_TREE_SIZE, description="The smaller tree size")
    second: int = Field(ge=0, le=MAX_TREE_SIZE, description="The larger tree size")


@bp.get(
    "/log/head",
    summary="The current signed tree head",
    responses={200: TreeHeadPublic},
    security=[],
)
@public
def head():
    policy.require(current_actor(), "log.read")
    session = db.session()
    signed = log_service.current_head(
        session=session, key=current_signing_key(current_app.config["SIGNING_KEY_DIR"]), now=now()
    )
    session.commit()
    return respond(TreeHeadPublic, TreeHeadPublic.from_row(signed))


@bp.get(
    "/log/entries",
    summary=f"Log entries from start to end (at most {log_service.MAX_PAGE} per call)",
    responses={200: LogEntryPage},
    security=[],
)
@public
def entries(query: EntriesQuery):
    policy.require(current_actor(), "log.read")
    page = log_service.entry_range(session=db.session(), start=query.start, end=query.end)
    return respond(
        LogEntryPage,
        LogEntryPage(
            tree_size=page.tree_size,
            start=page.start,
            end=page.end,
            entries=[LogEntryPublic.from_row(row) for row in page.entries],
            next_start=page.end if page.end < page.tree_size else None,
        ),
    )


@bp.get(
    "/log/proofs/inclusion",
    summary="Proof that an entry (by index or leaf hash) is in the tree of tree_size entries",
    responses={200: InclusionProofPublic},
    security=[],
)
@public
def inclusion_proof(query: InclusionQuery):
    policy.require(current_actor(), "log.read")
    session = db.session()
    index = query.index
    if index is None:
        index = log_service.index_of_leaf(
            session=session, leaf_hash=bytes.fromhex(query.leaf_hash), tree_size=query.tree_size
        )
    proof = log_service.inclusion(session=session, index=index, tree_size=query.tree_size)
    return respond(InclusionProofPublic, InclusionProofPublic.from_proof(proof))


@bp.get(
    "/log/proofs/consistency",
    summary="Proof that the tree of first entries is a prefix of the tree of second entries",
    responses={200: ConsistencyProofPublic},
    security=[],
)
@public
def consistency_proof(query: ConsistencyQuery):
    policy.require(current_actor(), "log.read")
    proof = log_service.consistency(session=db.session(), first=query.first, second=query.second)
    return respond(ConsistencyProofPublic, ConsistencyProofPublic.from_proof(proof))
