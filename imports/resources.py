"""The base of every table's import/export resource: columns people read, writes through services.

A ``ServiceResource`` subclass declares its columns (``column()`` and ``ExtraField``), its
natural keys and ``save_with_service()``. This base:

- binds headings to the active language and accepts French, English or field-name headings;
- finds the row's object by ``id`` then by natural keys, among the objects the user may
  change (``shops.permissions``); an id of an object the user may not change is "unknown";
- resolves the organisation column (default: the user's only organisation);
- compares each row with the stored object so unchanged rows are reported, not written;
- saves through the service and turns ``DomainError`` / ``ValidationError`` into row errors
  keyed by column.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint
from django.db.models.fields import NOT_PROVIDED
from django.utils.translation import gettext as _
from django.utils.translation import override
from import_export import resources
from import_export.fields import Field

from pivot_site.exceptions import DomainError
from shops.models import Organisation
from shops.permissions import READ, WRITE, can_change, scope_queryset, sees_everything, writable_organisations

from .widgets import IntegerWidget, RelatedWidget, TextWidget, WeeklyHoursWidget, is_empty, parse_number, plain

# Headings French users type by hand, whatever the translation of the export's headings
# (compared without case or accents). Keyed by model attribute; resources add their own.
FRENCH_ALIASES = {
    "organisation": ("structure", "association"),
    "name": ("nom", "libelle", "designation"),
    "last_name": ("nom", "nom de famille"),
    "first_name": ("prenom",),
    "email": ("email", "courriel", "mail", "adresse e-mail"),
    "phone": ("telephone", "tel", "portable"),
    "address": ("adresse",),
    "postcode": ("code postal", "cp"),
    "city": ("ville", "commune"),
    "active": ("actif", "active"),
    "comments": ("commentaire", "commentaires", "remarques"),
    "shop": ("boutique", "magasin"),
    "opening_hours": ("horaires", "horaires d'ouverture"),
    "pickup_slots": ("creneaux", "creneaux de retrait", "horaires de retrait"),
    "delivery_fee": ("frais de livraison",),
    "restricted": ("restreint", "acces restreint"),
    "access_code": ("code d'acces",),
    "capacity": ("capacite",),
    "is_professional": ("professionnel",),
    "categories": ("categories",),
    "volunteer": ("benevole",),
    "volunteer_domains": ("domaines de benevolat", "domaines"),
    "is_employee": ("salarie",),
    "contact_name": ("contact", "personne a contacter"),
    "is_wholesaler": ("grossiste",),
    "minimum_order_amount": ("minimum de commande", "minimum de commande ht"),
    "parent": ("parent", "categorie parente"),
    "category": ("categorie", "rayon"),
    "producer": ("producteur", "fournisseur"),
    "unit": ("unite",),
    "brand": ("marque",),
    "model_code": ("modele",),
    "size": ("taille",),
    "colour": ("couleur", "color"),
    "material": ("matiere", "materiau"),
    "gtin": ("ean", "gtin", "code barre", "code-barres", "ean13"),
    "supplier_reference": ("reference fournisseur", "ref fournisseur", "reference"),
    "is_unique_item": ("piece unique", "objet unique"),
    "condition": ("etat",),
    "weight_kg": ("poids", "poids (kg)"),
    "width_cm": ("largeur", "largeur (cm)"),
    "height_cm": ("hauteur", "hauteur (cm)"),
    "depth_cm": ("profondeur", "profondeur (cm)"),
    "product": ("produit", "article"),
    "product__gtin": ("ean", "code barre", "code-barres"),
    "price_excl_tax": ("prix ht", "prix hors taxe", "prix unitaire ht"),
    "price_incl_tax": ("prix ttc", "prix", "prix de vente"),
    "vat_rate": ("tva", "taux de tva", "taux tva"),
    "unlimited_stock": ("stock illimite",),
    "stock_on_hand": ("stock", "quantite", "qte", "stock disponible"),
    "available_from": ("en vente du", "debut de vente"),
    "available_until": ("en vente jusqu'au", "fin de vente"),
    "sale_mode": ("mode de vente",),
    "case_size": ("colisage", "taille du colis"),
    "minimum_cases": ("colis minimum", "minimum de colis"),
    "reserved_categories": ("reserve a", "categories reservees"),
    "allowed_depots": ("depots", "depots de retrait"),
    "status": ("statut",),
}


def pending(instance) -> dict:
    """Cleaned values of the extra columns of a row, kept on the instance for the service call."""
    return instance.__dict__.setdefault("_import_pending", {})


def column(attribute, heading, widget=None, *, readonly=False, aliases=()):
    """A column mapped to a model attribute; ``heading`` is a lazy English string (translated)."""
    field = Field(attribute=attribute, column_name=heading, widget=widget or TextWidget(), readonly=readonly)
    field.aliases = aliases
    return field


class ExtraField(Field):
    """A column that is not a plain attribute: many-to-many links, child rows, write-only inputs.

    Import keeps its cleaned value in ``pending(instance)`` for ``save_with_service``; ``same``
    tells whether that value leaves the stored object as it is (for "unchanged" rows).
    """

    def __init__(self, attribute, heading, widget, *, readonly=False, same=None, aliases=()):
        super().__init__(attribute=attribute, column_name=heading, widget=widget, readonly=readonly)
        self.aliases = aliases
        self._same = same

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not self.readonly:
            pending(instance)[self.attribute] = self.clean(row, **kwargs)

    def same(self, original, cleaned) -> bool:
        if self._same is not None:
            return self._same(original, cleaned)
        if original.pk is None:
            return False
        current = getattr(original, self.attribute)
        if getattr(self.widget, "many", False):
            return set(current.values_list("pk", flat=True)) == {obj.pk for obj in cleaned}
        if isinstance(self.widget, WeeklyHoursWidget):
            return self.widget.periods(current) == cleaned
        return True


class OrganisationWidget(RelatedWidget):
    """An organisation the user may write for, by slug or name."""

    def __init__(self, **kwargs):
        super().__init__(Organisation, key="slug", same_organisation=False, **kwargs)

    def queryset(self):
        return writable_organisations(self.user, Organisation.objects.all())

    def find(self, value, instance):
        table = self.candidates(None)
        if plain(value) in table:
            return table[plain(value)]
        return [org for orgs in table.values() for org in orgs if plain(org.name) == plain(value)]


class NoDiff:
    """Rows are compared by ``skip_row``; the HTML diff of django-import-export is not needed."""

    def __init__(self, *args, **kwargs):
        pass

    def compare_with(self, *args, **kwargs):
        pass

    def as_html(self):
        return []


class ServiceResource(resources.ModelResource):
    #: Tuples of field names identifying an object when the ``id`` cell is empty.
    natural_keys: tuple = ()
    #: Columns shown to identify a row in the preview when it has no object yet.
    label_fields: tuple = ("name",)
    #: ``DomainError.field`` (or model field) → resource field name, when they differ.
    error_fields: dict = {}
    #: Where to go back after an import (a Wagtail index URL name); default ``<model_name>:index``.
    index_url_name: str | None = None
    key: str | None = None

    id = column("id", "id", IntegerWidget(), readonly=True, aliases=("identifiant", "pk"))

    class Meta:
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    @classmethod
    def get_diff_class(cls):
        return NoDiff

    @classmethod
    def get_index_url_name(cls):
        return cls.index_url_name or f"{cls._meta.model._meta.model_name}:index"

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.headings = {}
        self._changed = []
        model = self._meta.model
        for name, field in self.fields.items():
            self.headings[name] = field.column_name
            field.column_name = str(field.column_name)  # headings in the active language
            field.widget.resource = self
            field.widget.column = field.column_name
            model_field = next((f for f in model._meta.concrete_fields if f.name == field.attribute), None)
            if model_field is not None and field.default is NOT_PROVIDED:
                # An empty cell means the field's default, as in a new form ("" for text that is never null).
                if model_field.has_default():
                    field.default = model_field.default
                elif model_field.empty_strings_allowed and not model_field.null:
                    field.default = ""

    # Querysets: read for export and lookups, write for the objects a row may update.

    def get_queryset(self):
        return scope_queryset(self.user, self._meta.model._default_manager.all(), mode=READ)

    def writable(self):
        return scope_queryset(self.user, self._meta.model._default_manager.all(), mode=WRITE)

    def export_queryset(self, queryset):
        """Add ``select_related`` / ``prefetch_related`` for the export's columns."""
        return queryset

    def filter_export(self, queryset, **kwargs):
        return self.export_queryset(scope_queryset(self.user, queryset, mode=READ))

    # Headings

    def header_aliases(self) -> dict:
        """Normalised heading → column: headings in French and English and field names first,
        then the aliases people type (``Code postal``, ``CP``…)."""
        table = {}
        for name, field in self.fields.items():
            names = {name, field.column_name, field.attribute or ""}
            for language in ("fr", "en"):
                with override(language):
                    names.add(str(self.headings[name]))
            for alias in names:
                table.setdefault(plain(alias), field.column_name)
        for field in self.fields.values():
            for alias in (*getattr(field, "aliases", ()), *FRENCH_ALIASES.get(field.attribute, ())):
                table.setdefault(plain(alias), field.column_name)
        return table

    def map_headers(self, dataset) -> list[str]:
        """Rename the file's headings to this resource's; return the headings that match no column."""
        table, headers, ignored = self.header_aliases(), [], []
        for header in dataset.headers:
            canonical = table.get(plain(header).rstrip(" :*"))  # "Nom *", "Ville :"
            if canonical is None or canonical in headers:
                ignored.append(header)
                headers.append(header)
            else:
                headers.append(canonical)
        dataset.headers = headers
        return ignored

    def column_for(self, key) -> str:
        """The heading of the column at fault for a service or model error key."""
        key = self.error_fields.get(key, key)
        for name, field in self.fields.items():
            if key in (name, field.attribute) or f"{key}_id" == field.attribute:
                return field.column_name
        return ""

    def row_label(self, row) -> str:
        for name in self.label_fields:
            field = self.fields.get(name)
            if field and not is_empty(row.get(field.column_name)):
                return str(row[field.column_name])
        return ""

    # Finding the row's object

    def get_or_init_instance(self, instance_loader, row):
        id_field = self.fields["id"]
        if not is_empty(row.get(id_field.column_name)):
            return self.instance_by_id(row[id_field.column_name]), False
        instance = self.instance_by_natural_key(row)
        if instance is not None:
            return instance, False
        return self.init_instance(row), True

    def instance_by_id(self, value):
        try:
            pk = int(parse_number(value))
        except ValueError:
            raise ValidationError({"id": _("“%(value)s” is not an id.") % {"value": value}})
        instance = self.writable().filter(pk=pk).first()
        if instance is None:
            # A shared object (e.g. a platform category) may come back unchanged from an export.
            instance = self.get_queryset().filter(pk=pk).first()
            if instance is None:
                raise ValidationError(
                    {
                        "id": _(
                            "Unknown id %(id)s: no %(model)s you may change has it. Leave the id empty to create one."
                        )
                        % {"id": pk, "model": self._meta.model._meta.verbose_name}
                    }
                )
            instance._import_read_only = True
        return instance

    def instance_by_natural_key(self, row):
        probe = self.init_instance(row)
        if "organisation" in self.fields:
            try:
                probe.organisation = self.resolve_organisation(row, probe)
            except ValueError:
                return None  # import_instance reports it
        for key in self.natural_keys:
            lookup = {}
            for name in key:
                field = self.fields[name]
                if name == "organisation":
                    lookup["organisation"] = probe.organisation
                    continue
                if field.column_name not in row:
                    break
                try:
                    value = field.clean(row, target=probe)
                except (ValueError, ValidationError):
                    break
                if isinstance(value, str) and value:
                    lookup[f"{field.attribute}__iexact"] = value
                elif value is None and isinstance(field.widget, RelatedWidget):
                    lookup[field.attribute] = None
                elif is_empty(value):
                    break
                else:
                    lookup[field.attribute] = value
            else:
                matches = list(self.writable().filter(**lookup)[:2])
                if not matches and "organisation" in lookup and self.shared_row(row):
                    # A shared object (no organisation) exported without ids comes back unchanged.
                    matches = list(self.get_queryset().filter(**{**lookup, "organisation": None})[:2])
                    for match in matches:
                        match._import_read_only = not can_change(self.user, match)
                if len(matches) > 1:
                    message = _("Several %(models)s match this row: give the id.")
                    raise ValidationError({key[-1]: message % {"models": self._meta.model._meta.verbose_name_plural}})
                if matches:
                    return matches[0]
        return None

    def shared_row(self, row) -> bool:
        """An empty organisation cell may stand for a shared object (as exports write them)."""
        field = self.fields["organisation"]
        return self._meta.model._meta.get_field("organisation").null and is_empty(row.get(field.column_name))

    def resolve_organisation(self, row, instance):
        field = self.fields["organisation"]
        value = row.get(field.column_name)
        if not is_empty(value):
            return field.clean(row, target=instance)
        if instance.pk:
            return instance.organisation
        return self.default_organisation()

    def default_organisation(self):
        """The user's only organisation; for platform admins and animators, shared (if allowed)."""
        organisations = list(writable_organisations(self.user, Organisation.objects.all())[:2])
        shared_allowed = self._meta.model._meta.get_field("organisation").null
        if sees_everything(self.user) and shared_allowed:
            return None
        if len(organisations) == 1:
            return organisations[0]
        raise ValueError(
            _("Give the organisation (column “%(column)s”).") % {"column": self.fields["organisation"].column_name}
        )

    # Reading the row into the instance

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        kwargs["target"] = instance
        if "organisation" in self.fields:
            try:
                instance.organisation = self.resolve_organisation(row, instance)
            except ValueError as error:
                errors["organisation"] = ValidationError(str(error))
        for name, field in self.fields.items():
            if name in ("id", "organisation") or field.readonly or field.column_name not in row:
                continue
            try:
                field.save(instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error))
            except ValidationError as error:
                errors[field.attribute] = error
        if not errors:
            try:
                self.after_fields(instance, row)
            except DomainError as error:
                errors[error.field or NON_FIELD_ERRORS] = ValidationError(error.message)
        if errors:
            raise ValidationError(errors)

    def after_fields(self, instance, row):
        """Hook for values computed from several columns (e.g. a price typed including tax)."""

    def skip_row(self, instance, original, row, import_validation_errors=None):
        self._changed = []
        if import_validation_errors or original is None or original.pk is None:
            return False
        for name, field in self.fields.items():
            if name == "id" or field.readonly:
                continue
            if isinstance(field, ExtraField):  # compared only when the file has the column
                same = field.column_name not in row or field.same(original, pending(instance).get(field.attribute))
            else:  # every attribute: a value computed from other columns counts too
                same = field.get_value(instance) == field.get_value(original)
            if not same:
                self._changed.append(field.column_name)
        return not self._changed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Only the policy is checked here; the service validates the object when it saves it."""
        errors = dict(import_validation_errors or {})
        opts = self._meta.model._meta
        action = "change" if instance.pk else "add"
        if errors:
            pass  # the row is refused already; the policy is checked on rows that could be saved
        elif getattr(instance, "_import_read_only", False):
            errors[NON_FIELD_ERRORS] = [_("This row is shared by the whole platform: you may not change it.")]
        elif not self.user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}") or not can_change(
            self.user, instance
        ):
            message = (
                _("You are not allowed to create this row (%(model)s).")
                if action == "add"
                else _("You are not allowed to change this row (%(model)s).")
            )
            errors[NON_FIELD_ERRORS] = [message % {"model": opts.verbose_name}]
        if errors:
            raise ValidationError(errors)

    # Writing through the service

    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        try:
            self.save_with_service(instance, pending(instance), row)
        except DomainError as error:
            raise ValidationError({error.field or NON_FIELD_ERRORS: [error.message]})
        self.after_save_instance(instance, row, **kwargs)

    def save_with_service(self, instance, extras: dict, row) -> None:
        """Call the table's service; ``extras`` holds the extra columns present in the file."""
        raise NotImplementedError

    def save_m2m(self, instance, row, **kwargs):
        """Links are written by the service, in ``save_with_service``."""

    def after_import_row(self, row, row_result, **kwargs):
        row_result.changed_columns = list(self._changed)
        row_result.label = row_result.object_repr or self.row_label(row)

    # Error reporting

    def error_items(self, validation_error, row):
        """``(column, message)`` pairs of a row's ValidationError, constraint errors placed in their column."""
        if not hasattr(validation_error, "error_dict"):
            return [("", message) for message in validation_error.messages]
        items = []
        for key, errors in validation_error.error_dict.items():
            for error in errors:
                message = " ".join(error.messages)
                column_name = self.column_for(key) if key != NON_FIELD_ERRORS else ""
                if key == NON_FIELD_ERRORS:
                    column_name, message = self.constraint_error(error, row, message)
                items.append((column_name, message))
        return items

    def constraint_error(self, error, row, message):
        """Model constraints report no field: find the column from the constraint's own fields."""
        params = error.params or {}
        fields = [f for f in params.get("unique_check", ()) if f != "organisation"]
        for constraint in self._meta.model._meta.constraints:
            if isinstance(constraint, CheckConstraint) and message == str(constraint.get_violation_error_message()):
                fields = [key.split("__")[0] for key, _value in _flatten(constraint.condition)]
                columns = [self.column_for(f) for f in fields if self.column_for(f)]
                if columns:
                    value = row.get(columns[0], "")
                    return columns[0], _("“%(value)s” is not allowed here (rule %(rule)s).") % {
                        "value": value,
                        "rule": constraint.name,
                    }
        columns = [self.column_for(f) for f in reversed(fields) if self.column_for(f)]
        return (columns[0] if columns else ""), message


def _flatten(condition):
    for child in condition.children:
        if isinstance(child, tuple):
            yield child
        else:
            yield from _flatten(child)
