"""Survey link tokens: 256 bits, unguessable, never stored.

The token is an HMAC of the invitation's random salt under the site's secret key, so
the reminder can rebuild the same link while the database alone holds only the salt
and a SHA-256 of the token (what the link is looked up by)."""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def new_salt() -> str:
    return secrets.token_hex(16)


def token_for(salt: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"mustafid.survey:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
