"""A minimal fixed-window rate limit for the public survey and feedback pages, on the
cache (the integrator may swap it for a shared helper)."""

import hashlib

from django.core.cache import cache


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(request, *, scope: str, limit: int, window: int = 3600) -> bool:
    """Count one attempt; False once the client went over ``limit`` in the window."""
    ident = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"rl:{scope}:{ident}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return True
    return count <= limit
