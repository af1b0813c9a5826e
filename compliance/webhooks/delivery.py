"""POSTing one signed alert to one webhook, behind a small interface.

Each attempt sends the same JSON body with `X-HRD-Sentinel-Event-Id` (the alert's id: receivers
drop repeats), `X-HRD-Sentinel-Timestamp` (Unix seconds) and `X-HRD-Sentinel-Signature:
sha256=<hex HMAC-SHA256 of timestamp + "." + body, keyed by the webhook's secret>`. The real
sender uses `requests` with a connect and read timeout, follows no redirect, and reaches only
public addresses unless the operator allows others: the URL is checked again at every attempt
and the connected peer too (see `compliance.outbound`), so a name re-pointed at an internal
address after registration gains nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import requests

from compliance import outbound
from compliance.phrases import Phrase

SIGNATURE_HEADER = "X-HRD-Sentinel-Signature"
TIMESTAMP_HEADER = "X-HRD-Sentinel-Timestamp"
EVENT_HEADER = "X-HRD-Sentinel-Event-Id"
MAX_DELAY = timedelta(hours=6)


class WebhookRefused(outbound.Unreachable):
    """The webhook's address is not one this service may reach."""


class WebhookUnresolved(outbound.Unreachable):
    """The webhook's host name does not resolve."""


DESTINATION = outbound.Destination(
    noun=Phrase("webhook"),
    plural=Phrase("webhooks"),
    no_credentials=Phrase("Webhook URLs may not carry a user name or password."),
    setting_prefix="COMPLIANCE_WEBHOOKS",
    refused=WebhookRefused,
    unresolved=WebhookUnresolved,
)


@dataclass(frozen=True)
class WebhookPolicy:
    timeout_seconds: float = 10
    max_attempts: int = 6
    backoff_seconds: float = 60.0
    allow_private: bool = False
    allowed_networks: tuple[outbound.Network, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> WebhookPolicy:
        return cls(
            timeout_seconds=float(config["WEBHOOKS_TIMEOUT_SECONDS"]),
            max_attempts=max(1, int(config["WEBHOOKS_MAX_ATTEMPTS"])),
            backoff_seconds=float(config["WEBHOOKS_BACKOFF_SECONDS"]),
            allow_private=bool(config["WEBHOOKS_ALLOW_PRIVATE"]),
            allowed_networks=outbound.networks(config["WEBHOOKS_ALLOWED_NETWORKS"]),
        )

    def retry_delay(self, attempts: int) -> timedelta:
        """Wait after the `attempts`-th failed attempt: the backoff, doubled each time."""
        seconds = self.backoff_seconds * 2 ** max(0, attempts - 1)
        return min(timedelta(seconds=seconds), MAX_DELAY)

    @property
    def lease(self) -> timedelta:
        """How long a claimed attempt may take before another runner may try again."""
        return timedelta(seconds=2 * self.timeout_seconds + 30)


def check_url(
    url: str, *, policy: WebhookPolicy, resolve: outbound.Resolver = socket.getaddrinfo
) -> None:
    """Refuse non-http(s) URLs and hosts resolving to non-public addresses (unless allowed)."""
    outbound.check_url(
        url,
        destination=DESTINATION,
        allow_private=policy.allow_private,
        allowed_networks=policy.allowed_networks,
        resolve=resolve,
    )


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of `timestamp.body`, keyed by the secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


@dataclass(frozen=True)
class Attempt:
    delivered: bool
    response_status: int | None = None
    error: str | None = None


class WebhookSender(Protocol):
    def send(
        self, url: str, *, secret: str, event_id: str, body: bytes, timestamp: int
    ) -> Attempt: ...


class RequestsWebhookSender:
    """The real sender: one POST per attempt, never a retry inside (the caller schedules)."""

    def __init__(
        self, policy: WebhookPolicy, *, resolve: outbound.Resolver = socket.getaddrinfo
    ) -> None:
        self.policy = policy
        self._resolve = resolve
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy from the environment: the peer is the host
        if not policy.allow_private:
            for scheme in ("http://", "https://"):
                self._session.mount(
                    scheme, outbound.CheckedAdapter(policy.allowed_networks, DESTINATION)
                )

    def __enter__(self) -> RequestsWebhookSender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._session.close()

    def send(self, url: str, *, secret: str, event_id: str, body: bytes, timestamp: int) -> Attempt:
        stamp = str(timestamp)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "hrd-sentinel-webhooks/1",
            EVENT_HEADER: event_id,
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: signature(secret, stamp, body),
        }
        timeout = self.policy.timeout_seconds
        too_slow = Phrase(
            "The receiver did not answer within %(seconds)s seconds.", seconds=format(timeout, "g")
        )
        try:
            check_url(url, policy=self.policy, resolve=self._resolve)
            response = self._session.post(
                url,
                data=body,
                headers=headers,
                timeout=(timeout, timeout),
                allow_redirects=False,
                stream=True,
            )
        except (WebhookRefused, WebhookUnresolved) as exc:
            return Attempt(False, error=exc.detail)
        except requests.Timeout:
            return Attempt(False, error=too_slow)
        except requests.ConnectionError as exc:
            if "timed out" in str(exc).lower():
                return Attempt(False, error=too_slow)
            return Attempt(False, error=Phrase("Could not connect to the receiver."))
        except requests.RequestException as exc:
            return Attempt(
                False,
                error=Phrase("The request failed: %(error)s.", error=type(exc).__name__),
            )
        with response:
            status = response.status_code
        if 200 <= status < 300:
            return Attempt(True, response_status=status)
        if 300 <= status < 400:
            return Attempt(
                False,
                response_status=status,
                error=Phrase(
                    "The receiver answered %(status)s (a redirect, not followed); register the "
                    "final URL.",
                    status=status,
                ),
            )
        return Attempt(
            False,
            response_status=status,
            error=Phrase("The receiver answered %(status)s.", status=status),
        )
