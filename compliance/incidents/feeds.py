"""Fetching incident feeds over HTTP, behind a small interface, without reaching inside.

`RequestsFeedClient` uses `requests` with a timeout, retries with backoff on connection
errors and 5xx answers, conditional requests (ETag / If-Modified-Since), a size cap and a
total download deadline. Unless the operator allows it (FEEDS_ALLOW_PRIVATE, or chosen networks
in FEEDS_ALLOWED_NETWORKS), only http(s) hosts whose every address is public are fetched: the
name is resolved and checked before the request, the socket's actual peer is checked again when
it connects (a name that changes its answer in between gains nothing), and redirects are
followed by hand, each checked again.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from compliance import outbound
from compliance.phrases import Phrase

log = logging.getLogger(__name__)

Resolver = outbound.Resolver
_CHUNK = 64 * 1024
_RETRY_STATUSES = (429, 500, 502, 503, 504)


class FeedError(outbound.Unreachable):
    """A feed could not be fetched; `detail` says why in terms an operator can act on."""


class FeedRefused(FeedError):
    """The feed's address is not one this service may reach."""


@dataclass(frozen=True)
class FeedResponse:
    not_modified: bool
    body: bytes
    etag: str | None
    last_modified: str | None
    url: str


class FeedClient(Protocol):
    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FeedResponse: ...


@dataclass(frozen=True)
class FeedPolicy:
    timeout_seconds: float = 20
    retries: int = 2
    backoff_seconds: float = 1.0
    max_bytes: int = 50 * 2**20
    max_redirects: int = 5
    download_seconds: float = 300
    allow_private: bool = False
    allowed_networks: tuple[Network, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FeedPolicy:
        return cls(
            timeout_seconds=float(config["FEEDS_TIMEOUT_SECONDS"]),
            retries=int(config["FEEDS_RETRIES"]),
            backoff_seconds=float(config["FEEDS_BACKOFF_SECONDS"]),
            max_bytes=int(config["FEEDS_MAX_BYTES"]),
            max_redirects=int(config["FEEDS_MAX_REDIRECTS"]),
            download_seconds=float(config["FEEDS_DOWNLOAD_SECONDS"]),
            allow_private=bool(config["FEEDS_ALLOW_PRIVATE"]),
            allowed_networks=outbound.networks(config["FEEDS_ALLOWED_NETWORKS"]),
        )


Network = outbound.Network
is_reachable = outbound.is_reachable
_FEEDS = outbound.Destination(
    noun=Phrase("feed"),
    plural=Phrase("feeds"),
    no_credentials=Phrase("Feed URLs may not carry a user name or password."),
    setting_prefix="COMPLIANCE_FEEDS",
    refused=FeedRefused,
    unresolved=FeedError,
)


def check_url(
    url: str,
    *,
    allow_private: bool,
    allowed_networks: tuple[Network, ...] = (),
    resolve: Resolver = socket.getaddrinfo,
) -> None:
    """Refuse URLs that are not http(s), or whose host resolves to any non-public address."""
    outbound.check_url(
        url,
        destination=_FEEDS,
        allow_private=allow_private,
        allowed_networks=allowed_networks,
        resolve=resolve,
    )


class RequestsFeedClient:
    """The real feed client."""

    def __init__(self, policy: FeedPolicy, *, resolve: Resolver = socket.getaddrinfo) -> None:
        self.policy = policy
        self._resolve = resolve
        retry = Retry(
            total=policy.retries,
            connect=policy.retries,
            read=policy.retries,
            status=policy.retries,
            other=0,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=_RETRY_STATUSES,
            backoff_factor=policy.backoff_seconds,
            backoff_max=60,
            raise_on_status=True,
            respect_retry_after_header=False,
        )
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy from the environment: the peer is the host
        for scheme in ("http://", "https://"):
            adapter = (
                HTTPAdapter(max_retries=retry)
                if policy.allow_private
                else outbound.CheckedAdapter(policy.allowed_networks, _FEEDS, max_retries=retry)
            )
            self._session.mount(scheme, adapter)

    def __enter__(self) -> RequestsFeedClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FeedResponse:
        headers = {
            "Accept": "application/json, text/csv;q=0.9, */*;q=0.1",
            "User-Agent": "hrd-sentinel-feeds/1",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            check_url(
                current,
                allow_private=self.policy.allow_private,
                allowed_networks=self.policy.allowed_networks,
                resolve=self._resolve,
            )
            response = self._get(current, headers)
            with response:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    current = urljoin(current, location)
                    log.info("feed redirected to another address")
                    continue
                if response.status_code == 304:
                    return FeedResponse(True, b"", etag, last_modified, current)
                if response.status_code >= 400:
                    raise FeedError(
                        Phrase(
                            "The feed answered %(status)s %(reason)s; check the URL with its "
                            "publisher.",
                            status=response.status_code,
                            reason=response.reason,
                        )
                    )
                body = self._read_capped(response)
                return FeedResponse(
                    False,
                    body,
                    response.headers.get("ETag"),
                    response.headers.get("Last-Modified"),
                    current,
                )
        raise FeedError(
            Phrase(
                "The feed redirected more than %(redirects)s times; use its final URL.",
                redirects=self.policy.max_redirects,
            )
        )

    def _get(self, url: str, headers: dict[str, str]) -> requests.Response:
        timeout = self.policy.timeout_seconds
        attempts = Phrase("%(count)s attempt(s)", count=self.policy.retries + 1)
        too_slow = Phrase(
            "The feed did not answer within %(seconds)s seconds (%(attempts)s).",
            seconds=format(timeout, "g"),
            attempts=attempts,
        )
        try:
            return self._session.get(
                url, headers=headers, timeout=(timeout, timeout), stream=True, allow_redirects=False
            )
        except requests.exceptions.RetryError as exc:
            raise FeedError(
                Phrase(
                    "The feed kept answering with server errors (%(attempts)s); try again later.",
                    attempts=attempts,
                )
            ) from exc
        except requests.Timeout as exc:
            raise FeedError(too_slow) from exc
        except requests.ConnectionError as exc:
            if isinstance(
                getattr(exc.args[0] if exc.args else None, "reason", None), ReadTimeoutError
            ):
                raise FeedError(too_slow) from exc
            raise FeedError(
                Phrase("Could not connect to the feed's host (%(attempts)s).", attempts=attempts)
            ) from exc
        except requests.RequestException as exc:
            raise FeedError(
                Phrase("The feed request failed: %(error)s.", error=type(exc).__name__)
            ) from exc

    def _read_capped(self, response: requests.Response) -> bytes:
        limit = self.policy.max_bytes
        too_big = FeedError(
            Phrase(
                "The feed is larger than the limit of %(mebibytes)s MiB; nothing was imported. "
                "Ask its publisher for a smaller or paged feed, or raise "
                "COMPLIANCE_FEEDS_MAX_BYTES.",
                mebibytes=format(limit / 2**20, "g"),
            )
        )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_big
        deadline = time.monotonic() + self.policy.download_seconds
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_big
                if time.monotonic() > deadline:
                    raise FeedError(
                        Phrase(
                            "The feed took longer than %(seconds)s seconds to download; nothing "
                            "was imported.",
                            seconds=format(self.policy.download_seconds, "g"),
                        )
                    )
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise FeedError(
                Phrase(
                    "The feed's download broke off (%(error)s); nothing was imported.",
                    error=type(exc).__name__,
                )
            ) from exc
        return b"".join(chunks)


def client_from_config(config: Mapping[str, Any]) -> RequestsFeedClient:
    return RequestsFeedClient(FeedPolicy.from_config(config))
