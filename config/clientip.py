"""The address a request came from, for login lock-out and rate limits.

Behind a load balancer every request arrives from the balancer's address. Only when the
direct peer is one of ``MUSTAFID_TRUSTED_PROXIES`` is the ``X-Forwarded-For`` header
believed, and then its right-most address that is not itself a trusted proxy is taken:
the left part of that header is whatever the client chose to send."""

import ipaddress

from django.conf import settings


def _trusted(address: str) -> bool:
    for entry in settings.MUSTAFID_TRUSTED_PROXIES:
        try:
            if ipaddress.ip_address(address) in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request) -> str:
    peer = request.META.get("REMOTE_ADDR", "") or ""
    if not settings.MUSTAFID_TRUSTED_PROXIES or not _trusted(peer):
        return peer
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    for address in reversed(forwarded):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return peer  # a forged or garbled header: fall back to the peer
        if not _trusted(address):
            return address
    return peer
