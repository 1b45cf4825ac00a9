"""The project's own tables that belong to no domain app."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Session(AbstractBaseSession):
    """Django's session row plus whose it is (``user``), so a signed-in page reads the
    session, the member and the member's permissions in one query (config/sessions.py).

    ``user`` is a copy of the id inside ``session_data``, written with it at every save; it
    is trusted only when the two agree. No foreign-key constraint and no index: deleting a
    member touches no session (Django's sessions never did), nothing looks sessions up by
    member, and a session of a deleted member signs no one in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "mustafid_session"

    @classmethod
    def get_session_store_class(cls):
        from config.sessions import SessionStore

        return SessionStore
