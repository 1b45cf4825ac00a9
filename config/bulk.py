"""Fast bulk inserts for demo and benchmark data.

A million-row demo must not take an afternoon: rows are written with ``COPY … FROM STDIN``
on PostgreSQL (psycopg 3) and one ``executemany`` per batch on SQLite, instead of through
model instances. The values must be the ones the services would store; rows skip
django-simple-history (demo records start without history, like imported ones)."""

from django.db import connection, models


class BulkTable:
    """Rows for one model as dicts of attnames; anything missing takes the field default;
    dates, datetimes and decimals are adapted for the database."""

    def __init__(self, model: type[models.Model], *, with_id: bool = False):
        ops = connection.ops
        self.fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.table = ops.quote_name(model._meta.db_table)
        self.columns = ", ".join(ops.quote_name(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})"
        self.defaults = {
            f.attname: (None if f.null or f.primary_key else f.get_default()) for f in self.fields
        }
        self.adapt = {}
        if connection.vendor != "postgresql":  # psycopg adapts Python values itself
            for f in self.fields:
                if isinstance(f, models.DateTimeField):
                    self.adapt[f.attname] = ops.adapt_datetimefield_value
                elif isinstance(f, models.DateField):
                    self.adapt[f.attname] = ops.adapt_datefield_value
                elif isinstance(f, models.DecimalField):
                    self.adapt[f.attname] = ops.adapt_decimalfield_value
        for f in self.fields:
            if isinstance(f, models.FileField):
                self.adapt[f.attname] = str
            elif isinstance(f, models.JSONField):
                self.adapt[f.attname] = lambda value, f=f: f.get_prep_value(value)

    def row(self, values: dict) -> tuple:
        merged = self.defaults | values
        for attname, adapt in self.adapt.items():
            value = merged[attname]
            if value is not None:
                merged[attname] = adapt(value)
        return tuple(merged[a] for a in self.attnames)

    def insert(self, cursor, rows: list[tuple]) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(self.sql, rows)
