"""Index migrations that do not stop the association's work while they run.

A plain ``CREATE INDEX`` holds a lock that blocks every write to the table until the
index is built: on a million requests that is minutes in which no officer can save a
request and no applicant can apply. ``AddIndexOnline`` builds the index with PostgreSQL's
``CREATE INDEX CONCURRENTLY`` (writes go on; the build takes longer) and drops it the
same way; on SQLite, which has no such thing and no live database of that size, it is a
plain ``AddIndex``. Django's own ``AddIndexConcurrently`` fails on SQLite.

A migration using it must say ``atomic = False`` (PostgreSQL refuses CONCURRENTLY inside a
transaction), and should hold nothing else that needs one. tests/core/test_migrations.py
checks that new indexes on the big tables use it.
"""

from __future__ import annotations

from django.contrib.postgres.operations import NotInTransactionMixin
from django.db.migrations.operations import AddIndex


class AddIndexOnline(NotInTransactionMixin, AddIndex):
    atomic = False

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (concurrently on PostgreSQL)"

    def _online(self, schema_editor) -> bool:
        if schema_editor.connection.vendor != "postgresql":
            return False
        self._ensure_not_in_transaction(schema_editor)
        return True

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self._online(schema_editor):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not self._online(schema_editor):
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)
