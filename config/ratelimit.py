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

import base64
import contextlib
import datetime
import ipaddress
import logging
import pickle
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import InvalidCacheBackendError
from django.core.cache.backends.db import DatabaseCache
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"
DEFAULT_LIMIT = (30, 3600)


class CountingDatabaseCache(DatabaseCache):
    """The database cache, with a counter that costs two statements per hit.

    Django's ``DatabaseCache`` counts the whole table (``SELECT COUNT(*)``) on every write
    to decide whether to cull, and ``add`` + ``incr`` take two writes (one of them a failed
    INSERT) and a read: eleven round trips per counted request, and ``incr`` is not atomic
    (two requests at once both write the same count). ``hit`` reads the row and writes it
    back only if it is unchanged (or inserts it; a lost race reads again, and after a few
    it reads the row ``FOR UPDATE``), keeping the expiry set when the window's counter was
    created: two round trips instead of four (BEGIN, SELECT … FOR UPDATE, UPDATE,
    COMMIT), nothing counted twice or lost. The
    table is pruned of expired rows (and culled past ``MAX_ENTRIES``) every ``CULL_EVERY``
    hits of the process, not counted on each one. Everything else is the stock cache."""

    def __init__(self, table, params):
        super().__init__(table, params)
        options = params.get("OPTIONS", {})
        self._cull_every = int(options.get("CULL_EVERY", 200))
        self._hits = 0

    def _expires(self, connection, value):
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            value = converter(value, expression, connection)
        return value

    def hit(self, key, timeout: int, version=None) -> int:
        """Add one to the counter ``key`` (created at 1 with ``timeout`` seconds to live
        when absent or expired) and return the new count."""
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        key_column, value_column = quote_name("cache_key"), quote_name("value")
        expires_column = quote_name("expires")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = timezone.now().replace(microsecond=0)
        tz = datetime.UTC if settings.USE_TZ else None
        new_expiry = connection.ops.adapt_datetimefield_value(
            datetime.datetime.fromtimestamp(self.get_backend_timeout(timeout), tz=tz).replace(
                microsecond=0
            )
        )
        used = self._hit_without_lock(connection, db, key, now, new_expiry)
        for attempt in range(2 if used is None else 0):
            try:
                with transaction.atomic(using=db), connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {value_column}, {expires_column} FROM {table} "
                        f"WHERE {key_column} = %s{lock}",
                        [key],
                    )
                    row = cursor.fetchone()
                    if row is None:
                        used = 1
                        cursor.execute(
                            f"INSERT INTO {table} ({key_column}, {value_column}, "
                            f"{expires_column}) VALUES (%s, %s, %s)",
                            [key, self._encode(used), new_expiry],
                        )
                    elif self._expires(connection, row[1]) < now:
                        used = 1
                        cursor.execute(
                            f"UPDATE {table} SET {value_column} = %s, {expires_column} = %s "
                            f"WHERE {key_column} = %s",
                            [self._encode(used), new_expiry, key],
                        )
                    else:
                        used = int(pickle.loads(base64.b64decode(row[0].encode()))) + 1
                        cursor.execute(
                            f"UPDATE {table} SET {value_column} = %s WHERE {key_column} = %s",
                            [self._encode(used), key],
                        )
                break
            except IntegrityError:
                # Another request created the counter between our SELECT and INSERT: the
                # second attempt finds (and locks) it.
                if attempt:
                    raise
        self._hits += 1
        if self._cull_every and self._hits % self._cull_every == 0:
            self._prune(db)
        return used

    def _hit_without_lock(self, connection, db, key, now, new_expiry) -> int | None:
        """The hit in two statements, each its own transaction: read the counter, then
        write it back only if nobody changed it meanwhile (or create it, if nobody created
        it meanwhile). None after a few lost races: the caller then locks the row."""
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        key_column, value_column = quote_name("cache_key"), quote_name("value")
        expires_column = quote_name("expires")
        db_now = connection.ops.adapt_datetimefield_value(now)
        for _attempt in range(3):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {value_column}, {expires_column} FROM {table} WHERE {key_column} = %s",
                    [key],
                )
                row = cursor.fetchone()
                if row is None:
                    try:
                        # Inside a caller's transaction a failed INSERT must not break it.
                        with (
                            transaction.atomic(using=db)
                            if connection.in_atomic_block
                            else (contextlib.nullcontext())
                        ):
                            cursor.execute(
                                f"INSERT INTO {table} ({key_column}, {value_column}, "
                                f"{expires_column}) VALUES (%s, %s, %s)",
                                [key, self._encode(1), new_expiry],
                            )
                    except IntegrityError:
                        continue  # created meanwhile: read it again
                    return 1
                if self._expires(connection, row[1]) < now:
                    used = 1
                    cursor.execute(
                        f"UPDATE {table} SET {value_column} = %s, {expires_column} = %s "
                        f"WHERE {key_column} = %s AND {value_column} = %s "
                        f"AND {expires_column} < %s",
                        [self._encode(used), new_expiry, key, row[0], db_now],
                    )
                else:
                    used = int(pickle.loads(base64.b64decode(row[0].encode()))) + 1
                    # The value only grows within a window (a reset needs the row expired,
                    # which the condition on expires excludes), so equal means unchanged.
                    cursor.execute(
                        f"UPDATE {table} SET {value_column} = %s "
                        f"WHERE {key_column} = %s AND {value_column} = %s "
                        f"AND {expires_column} >= %s",
                        [self._encode(used), key, row[0], db_now],
                    )
                if cursor.rowcount == 1:
                    return used
        return None

    def _encode(self, value) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def _prune(self, db) -> None:
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = timezone.now().replace(microsecond=0)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            num = cursor.fetchone()[0]
            if num > self._max_entries:
                self._cull(db, cursor, now, num)
            else:
                cursor.execute(
                    f"DELETE FROM {table} WHERE {connection.ops.quote_name('expires')} < %s",
                    [connection.ops.adapt_datetimefield_value(now)],
                )

    def _cull(self, db, cursor, now, num):
        """Past ``MAX_ENTRIES``: expired counters first, then those whose window ends
        soonest. Django's cull deletes a third of the table in the order of the keys —
        live counters of whatever addresses sort first, which an attacker filling the
        table could aim at."""
        if self._cull_frequency == 0:
            return super()._cull(db, cursor, now, num)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        expires = connection.ops.quote_name("expires")
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires} < %s",
            [connection.ops.adapt_datetimefield_value(now)],
        )
        remaining = num - cursor.rowcount
        if remaining > self._max_entries:
            cursor.execute(
                f"SELECT {expires} FROM {table} ORDER BY {expires} LIMIT 1 OFFSET %s",
                [remaining // self._cull_frequency],
            )
            row = cursor.fetchone()
            if row:
                cursor.execute(f"DELETE FROM {table} WHERE {expires} < %s", [row[0]])


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


def limit_address(address: str) -> str:
    """Whom a rate limit counts: an IPv4 address, or an IPv6 address's /64 network — one
    subscriber line or phone is given a whole /64, so counting single IPv6 addresses
    would give anyone 2**64 fresh counters."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    if ip.version == 6:
        return str(ip.ipv4_mapped)
    return str(ip)


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
    key = f"rl:{scope}:{limit_address(client_ip(request))}:{window}"
    cache = _cache()
    try:
        if not increment:
            return (cache.get(key) or 0) >= count
        hit = getattr(cache, "hit", None)
        if hit is not None:
            return hit(key, seconds + 5) > count
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
