"""``field__any_of=[…]``: membership in a long list with one parameter on PostgreSQL.

``__in`` writes a placeholder per value, which psycopg then parses and binds one by one: for the 2,000 references
of an import batch that cost more than the query. ``field = ANY(%s)`` sends the list as one array. Other
databases get ``IN (…)``, as ``__in`` writes it.
"""

from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prepare = self.lhs.output_field.get_db_prep_value
        return f"{lhs} = ANY(%s)", [*lhs_params, [prepare(value, connection, prepared=False) for value in self.rhs]]


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)  # relations look their lookups up from ForeignObject down only
