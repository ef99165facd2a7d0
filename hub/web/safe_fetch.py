"""Requests that leave the hub for an address someone else gave: public addresses only.

One check for every outgoing request to a stored address (imported photos, outgoing
webhooks):

- http and https only;
- the host name is resolved once, and every address it resolves to must be public (not
  loopback, private, link-local, shared, multicast or reserved, IPv4-mapped IPv6
  included), unless the host or one of its addresses is on the operator's allow-list
  (``HUB_PHOTO_FETCH_ALLOW`` for photos, ``HUB_WEBHOOK_ALLOW`` for webhooks);
- the connection goes to the address that was checked, with the name as ``Host`` and as
  the TLS server name, so that a second lookup cannot point elsewhere (``pinned``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any

import httpx

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(Exception):
    """This address will never be fetched (not http(s), not public): fail for good."""


class FetchFailed(Exception):
    """The host could not be reached now: try again later."""


def is_public_address(address: IpAddress) -> bool:
    """An address anyone on the internet reaches, and only that."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def address_for(host: str, port: int, allowed: tuple[str, ...]) -> str:
    """The one address to connect to for ``host``: resolved once and checked."""
    try:
        found = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise FetchFailed("the host name does not resolve") from None
        found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not found:
        raise FetchFailed("the host name does not resolve")
    trusted = host.lower() in allowed or any(str(address) in allowed for address in found)
    if not trusted and not all(is_public_address(address) for address in found):
        raise FetchRefused("the address is not public (loopback, private or reserved)")
    return str(found[0])


def checked_url(raw: str) -> httpx.URL:
    """``raw`` as an http(s) URL with a host; `FetchRefused` otherwise."""
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchRefused("the address is not a valid URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise FetchRefused("only http and https addresses are fetched")
    return url


@dataclass(frozen=True)
class Pinned:
    """A request's target with the host replaced by its checked address."""

    target: httpx.URL
    headers: dict[str, str]
    extensions: dict[str, Any]


async def pinned(url: httpx.URL, allowed: tuple[str, ...]) -> Pinned:
    """Where to connect for ``url``, checked; pass ``headers`` and ``extensions`` to httpx."""
    port = url.port or (443 if url.scheme == "https" else 80)
    address = await address_for(url.host, port, allowed)
    host_header = url.host if url.port is None else f"{url.host}:{url.port}"
    extensions: dict[str, Any] = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return Pinned(url.copy_with(host=address), {"Host": host_header}, extensions)


def client(timeout: float) -> httpx.AsyncClient:
    """The client for these requests: no redirects followed for it, no proxy from the environment."""
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False)
