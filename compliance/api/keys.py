"""GET /.well-known/hrd-sentinel/keys.json: every public signing key, for offline verifiers.

Keys are never withdrawn from this document, so certificates and tree heads signed before a
rotation stay verifiable. It is cached briefly: a verifier sees a new key within minutes.
"""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from compliance import policy
from compliance.accounts.actor import current_actor
from compliance.credentials.keys import jwks, load_signing_keys

CACHE_SECONDS = 300

bp = APIBlueprint(
    "well_known_keys",
    __name__,
    url_prefix="/.well-known/hrd-sentinel",
    abp_tags=[Tag(name="Keys", description="Public keys of certificates and the log")],
)


class PublicJwk(BaseModel):
    kty: str = Field(description="OKP")
    crv: str = Field(description="Ed25519")
    x: str = Field(description="The public key, base64url")
    kid: str = Field(description="RFC 7638 thumbprint; names the key in signatures")
    alg: str = Field(description="EdDSA")
    use: str = Field(description="sig")
    fingerprint: str = Field(description="SHA-256 of the raw public key, hex (printed on PDFs)")


class Jwks(BaseModel):
    keys: list[PublicJwk] = Field(description="Newest (the one signing now) first")


@bp.get(
    "/keys.json",
    summary="Public signing keys (JWKS), newest first",
    responses={200: Jwks},
    security=[],
)
def signing_keys():
    policy.require(current_actor(), "keys.read")
    keys = load_signing_keys(current_app.config["SIGNING_KEY_DIR"])
    document = Jwks.model_validate(jwks(key.public_key for key in reversed(keys)))
    response = jsonify(document.model_dump(mode="json"))
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    response.add_etag()
    return response.make_conditional(request)
