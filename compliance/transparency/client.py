"""Reading a transparency log over HTTP, as an outside auditor does (`hrd-sentinel log verify`).

The log's answers are parsed with the same public models the API answers with, and never
trusted: `monitor.check_log` decides whether they add up.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

import requests
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from compliance.transparency.models import (
    ConsistencyProofPublic,
    InclusionProofPublic,
    LogEntryPage,
)
from compliance.transparency.monitor import EntryCopy, ProofUnavailable

M = TypeVar("M", bound=BaseModel)


class LogUnreachable(Exception):
    """The log's server could not be reached or gave an answer that is not a log's."""


class LogClient:
    """The public log API of one HRD Sentinel service, with a timeout and retries."""

    def __init__(self, base_url: str, *, timeout: float = 20.0, retries: int = 2) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = requests.Session()
        retry = Retry(
            total=retries,
            backoff_factor=0.5,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            raise_on_status=False,
        )
        self._http.mount("http://", HTTPAdapter(max_retries=retry))
        self._http.mount("https://", HTTPAdapter(max_retries=retry))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LogClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def head(self) -> dict[str, Any]:
        """The log's current signed tree head, exactly as served."""
        head = self._get("/api/v1/log/head")
        if not isinstance(head, dict):
            raise LogUnreachable(f"{self.base_url} did not answer with a tree head")
        return head

    def entries(self, *, end: int | None) -> Iterator[EntryCopy]:
        """Every entry from 0 to `end` (excluded; all when None), a page at a time."""
        start = 0
        while end is None or start < end:
            params = {"start": start} if end is None else {"start": start, "end": end}
            page = self._parse(LogEntryPage, self._get("/api/v1/log/entries", params))
            for entry in page.entries:
                yield EntryCopy(index=entry.index, entry=entry.entry, leaf_hash=entry.leaf_hash)
            if page.next_start is None or not page.entries:
                return
            start = page.next_start

    def inclusion(self, index: int, tree_size: int) -> list[bytes]:
        answer = self._proof(
            InclusionProofPublic,
            "/api/v1/log/proofs/inclusion",
            {"index": index, "tree_size": tree_size},
        )
        return _hashes(answer.audit_path)

    def consistency(self, first: int, second: int) -> list[bytes]:
        answer = self._proof(
            ConsistencyProofPublic,
            "/api/v1/log/proofs/consistency",
            {"first": first, "second": second},
        )
        return _hashes(answer.proof)

    def _proof(self, model: type[M], path: str, params: dict[str, int]) -> M:
        try:
            return self._parse(model, self._get(path, params))
        except LogUnreachable as error:
            raise ProofUnavailable(str(error)) from error

    def _get(self, path: str, params: dict[str, int] | None = None) -> Any:
        url = self.base_url + path
        try:
            response = self._http.get(url, params=params, timeout=self.timeout)
        except requests.RequestException as error:
            raise LogUnreachable(f"could not reach {url}: {error}") from error
        try:
            response.raise_for_status()
        except requests.HTTPError as error:
            raise LogUnreachable(
                f"{response.url} answered {response.status_code}: {_detail(response)}"
            ) from error
        try:
            return response.json()
        except ValueError as error:
            raise LogUnreachable(f"{response.url} did not answer with JSON") from error

    def _parse(self, model: type[M], value: Any) -> M:
        try:
            return model.model_validate(value)
        except ValidationError as error:
            raise LogUnreachable(
                f"{self.base_url} answered with something that is not a log's "
                f"{model.__name__}: {error.error_count()} problem(s)"
            ) from error


def _hashes(values: list[str]) -> list[bytes]:
    try:
        return [bytes.fromhex(value) for value in values]
    except ValueError as error:
        raise ProofUnavailable("the proof holds a hash that is not hex") from error


def _detail(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason or "no detail"
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, str) else response.reason or "no detail"
