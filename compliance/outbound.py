"""Outbound HTTP to addresses users give us (incident feeds, webhooks), guarded against SSRF.

Unless the operator allows it (an ``<PREFIX>_ALLOW_PRIVATE`` setting, or chosen networks in
``<PREFIX>_ALLOWED_NETWORKS``), only http(s) hosts whose every address is public are reached:
`check_url` resolves the name and checks each address before the request, and `CheckedAdapter`
checks the socket's actual peer once it connects, so a name that changes its answer in between
(DNS rebinding) gains nothing. Both feeds and webhooks use these two pieces.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, HttpUrl
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from compliance.phrases import Phrase

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[..., list[tuple[Any, ...]]]


class Unreachable(Exception):
    """An address that cannot or may not be reached, worded for whoever gave it: `detail` keeps
    the phrase, which `str(exc)` would turn into plain English."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Destination:
    """Words for refusals: what is being reached and which settings let the operator allow it.
    The nouns are phrases so that a page words the whole refusal in its own language; the one
    sentence that starts with the noun is given whole."""

    noun: Phrase  # Phrase("feed"): "the feed host", "feed URLs"
    plural: Phrase  # Phrase("feeds"): "such feeds are refused"
    no_credentials: Phrase  # "Feed URLs may not carry a user name or password."
    setting_prefix: str  # "COMPLIANCE_FEEDS" -> COMPLIANCE_FEEDS_ALLOW_PRIVATE
    refused: type[Unreachable]  # raised for addresses this service may not reach
    unresolved: type[Unreachable]  # raised when the host name cannot be resolved

    @property
    def remedy(self) -> Phrase:
        return Phrase(
            "such %(plural)s are refused unless the operator sets %(allow_private)s=true or "
            "lists the network in %(allowed_networks)s.",
            plural=self.plural,
            allow_private=self.setting_prefix + "_ALLOW_PRIVATE",
            allowed_networks=self.setting_prefix + "_ALLOWED_NETWORKS",
        )


def networks(cidrs: Any) -> tuple[Network, ...]:
    """The operator's allowed networks from a list of CIDR strings."""
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs or ())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_reachable(address: str, allowed_networks: tuple[Network, ...] = ()) -> bool:
    """True for globally routable unicast addresses, and for the operator's allowed networks."""
    ip = _address(address)
    if any(ip in network for network in allowed_networks):
        return True
    return ip.is_global and not ip.is_multicast


def refuse_private_link(url: HttpUrl) -> HttpUrl:
    """A link people will open (evidence, responses): not to a host given as a loopback,
    private, link-local or reserved address, nor to localhost. Names are not resolved here:
    the service never fetches these links, and whoever does resolves them on their side."""
    host = (url.host or "").strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        raise ValueError("the link points to this machine (localhost); give a public web address")
    try:
        reachable = is_reachable(host)
    except ValueError:  # a name, not an address
        return url
    if not reachable:
        raise ValueError(
            f"the link points to a private, loopback, link-local or reserved address ({host}); "
            "give a public web address"
        )
    return url


PublicLink = Annotated[HttpUrl, AfterValidator(refuse_private_link)]


def check_url(
    url: str,
    *,
    destination: Destination,
    allow_private: bool,
    allowed_networks: tuple[Network, ...] = (),
    resolve: Resolver = socket.getaddrinfo,
) -> None:
    """Refuse URLs that are not http(s), or whose host resolves to any non-public address."""
    noun = destination.noun
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise destination.refused(
            Phrase(
                "Only http and https %(noun)s URLs are allowed, not %(url)s.",
                noun=noun,
                url=repr(url),
            )
        )
    if parts.username or parts.password:
        raise destination.refused(destination.no_credentials)
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        answers = resolve(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise destination.unresolved(
            Phrase(
                "The %(noun)s host %(host)s could not be resolved (%(error)s).",
                noun=noun,
                host=repr(parts.hostname),
                error=str(exc),
            )
        ) from exc
    addresses = {answer[4][0] for answer in answers}
    blocked = sorted(a for a in addresses if not is_reachable(a, allowed_networks))
    if blocked or not addresses:
        raise destination.refused(
            Phrase(
                "The %(noun)s host %(host)s resolves to a private, loopback, link-local or "
                "reserved address (%(addresses)s); %(remedy)s",
                noun=noun,
                host=repr(parts.hostname),
                addresses=", ".join(blocked) or Phrase("none"),
                remedy=destination.remedy,
            )
        )


def _connection_classes(
    allowed_networks: tuple[Network, ...], destination: Destination
) -> dict[str, type]:
    """Connection pools whose sockets are checked once connected: the peer actually reached
    must be allowed too, whatever the name resolved to a moment earlier."""

    def checked(sock: socket.socket) -> socket.socket:
        address = sock.getpeername()[0]
        if not is_reachable(address, allowed_networks):
            sock.close()
            raise destination.refused(
                Phrase(
                    "The %(noun)s connection reached a non-public address (%(address)s) and was "
                    "closed; %(remedy)s",
                    noun=destination.noun,
                    address=address,
                    remedy=destination.remedy,
                )
            )
        return sock

    class CheckedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return checked(super()._new_conn())

    class CheckedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return checked(super()._new_conn())

    class CheckedHTTPPool(HTTPConnectionPool):
        ConnectionCls = CheckedHTTPConnection

    class CheckedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = CheckedHTTPSConnection

    return {"http": CheckedHTTPPool, "https": CheckedHTTPSPool}


class CheckedAdapter(HTTPAdapter):
    """An adapter whose connections refuse peers outside public and allowed networks."""

    def __init__(
        self, allowed_networks: tuple[Network, ...], destination: Destination, **kwargs: Any
    ) -> None:
        self._pools = _connection_classes(allowed_networks, destination)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools
