"""Where certificates are signed, published and stored: read from the app's settings at the edge
and handed to the services, which never read configuration themselves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app

from compliance.credentials.keys import SigningKey, current_signing_key, load_signing_keys
from compliance.storage import FileStore

MAX_PDF_BYTES = 10 * 2**20


@dataclass(frozen=True)
class Issuer:
    key_dir: str
    base_url: str
    store: FileStore

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Issuer:
        return cls(
            key_dir=config["SIGNING_KEY_DIR"],
            base_url=config["BASE_URL"],
            store=FileStore(config["UPLOAD_DIR"]),
        )

    @classmethod
    def current(cls) -> Issuer:
        """The issuer of the running app (request, job or command)."""
        return cls.from_config(current_app.config)

    def signing_key(self) -> SigningKey:
        """The newest key: it signs everything issued from now on."""
        return current_signing_key(self.key_dir)

    def published_keys(self) -> list[SigningKey]:
        """Every key ever used, so certificates signed before a rotation still verify."""
        return load_signing_keys(self.key_dir)
