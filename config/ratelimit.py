"""Per-IP rate limits for public forms (apply, track, feedback, surveys).

Counters live in the ``ratelimit`` cache, a database cache by default, so every app
server behind the load balancer counts against the same numbers. A fixed window per
scope and client address is enough to stop a script without bothering a family that
applies from one phone.

Usage in a view::

    from config.ratelimit import rate_limited
    if request.method == "POST" and rate_limited(request, "track"):
        ...show the "too many attempts" message...

Limits come from ``settings.MUSTAFID_RATELIMITS`` (``{"track": (20, 900)}``: 20 per 15
minutes); an unknown scope uses ``(30, 3600)``."""

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import InvalidCacheBackendError

logger = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"
DEFAULT_LIMIT = (30, 3600)


def _networks():
    networks = []
    for entry in getattr(settings, "MUSTAFID_TRUSTED_PROXIES", []) or []:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            logger.warning("MUSTAFID_TRUSTED_PROXIES: %r is not an address or network", entry)
    return networks


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request) -> str:
    """The client's address. X-Forwarded-For is believed only when the connection comes
    from a trusted proxy (``MUSTAFID_TRUSTED_PROXIES``); then the right-most address that
    is not itself a trusted proxy is the client (what a client forges sits to its left)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks()
    if not networks or not _trusted(remote, networks):
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    for address in reversed(forwarded):
        if not _trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote
    return remote


def limit_for(scope: str) -> tuple[int, int]:
    limits = getattr(settings, "MUSTAFID_RATELIMITS", {}) or {}
    count, seconds = limits.get(scope, DEFAULT_LIMIT)
    return int(count), int(seconds)


def _cache():
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:
        return caches["default"]


def rate_limited(request, scope: str, *, increment: bool = True) -> bool:
    """Count one attempt of ``scope`` from the request's address; True once over the limit.

    If the cache cannot be reached (its table not created yet), the request is let
    through and a warning logged: a broken counter must not lock applicants out."""
    count, seconds = limit_for(scope)
    window = int(time.time() // seconds)
    key = f"rl:{scope}:{client_ip(request)}:{window}"
    cache = _cache()
    try:
        if not increment:
            return (cache.get(key) or 0) >= count
        if cache.add(key, 1, timeout=seconds + 5):
            used = 1
        else:
            try:
                used = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=seconds + 5)
                used = 1
    except Exception:  # noqa: BLE001 - a missing cache table must not become a 500
        logger.warning("rate-limit cache unavailable; %s not limited", scope, exc_info=True)
        return False
    return used > count


def rate_limit_reset() -> None:
    """Forget every counter (tests)."""
    _cache().clear()
