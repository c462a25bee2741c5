"""The tenant-scoped base for every Wagtail admin table: lists, forms and object views all
go through shops.permissions, and forms save through the services."""

from django import forms
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from imports.views import ImportExportIndexViewMixin
from pivot_site.exceptions import DomainError

from .models import Organisation
from .permissions import (
    READ,
    WRITE,
    OrganisationPermissionPolicy,
    can_change,
    can_read,
    scope_queryset,
    sees_everything,
)


class ScopedFilterSet(WagtailFilterSet):
    """Filter choices (shops, categories, ...) never list another organisation's objects."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            queryset = getattr(filter_, "queryset", None)
            if isinstance(queryset, QuerySet) and hasattr(queryset.model, "organisation_path"):
                filter_.queryset = scope_queryset(user, queryset)


class ScopedIndexView(ImportExportIndexViewMixin, generic.IndexView):
    """Lists the user's organisations' rows; with a ``resource_class``, imports and exports them too."""

    base_filterset_class = ScopedFilterSet

    def get_base_queryset(self):
        return scope_queryset(self.request.user, super().get_base_queryset())

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        """Yes/no fields show Wagtail's tick and cross rather than True and False."""
        try:
            is_boolean = isinstance(self.model._meta.get_field(field_name), models.BooleanField)
        except FieldDoesNotExist:
            is_boolean = False
        if is_boolean and column_class is Column:
            column_class = BooleanColumn
        return super()._get_custom_column(field_name, column_class, **kwargs)

    def get_edit_url(self, instance):
        if can_change(self.request.user, instance):
            return super().get_edit_url(instance)

    def get_delete_url(self, instance):
        if can_change(self.request.user, instance):
            return super().get_delete_url(instance)


def check_object_access(user, obj, *, mode=WRITE):
    if not can_read(user, obj):
        raise Http404
    if mode == WRITE and not can_change(user, obj):
        raise PermissionDenied
    return obj


class ScopedObjectMixin:
    """Another organisation's object does not exist (404); a shared one is read-only (403)."""

    scope_mode = WRITE

    def get_object(self, *args, **kwargs):
        return check_object_access(self.request.user, super().get_object(*args, **kwargs), mode=self.scope_mode)


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    pass


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ServiceDeleteView(ScopedDeleteView):
    """Deletes through ``delete_service(instance, actor)`` when the viewset names one."""

    delete_service = None

    def delete_action(self):
        if self.delete_service is None:
            return super().delete_action()
        self.delete_service(self.object, self.request.user)


class ScopedHistoryView(ScopedObjectMixin, generic.HistoryView):
    scope_mode = READ


class ScopedUsageView(ScopedObjectMixin, generic.UsageView):
    scope_mode = READ


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    scope_mode = READ


class OrganisationScopedViewSet(ModelViewSet):
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_class = ScopedInspectView
    copy_view_enabled = False
    add_to_admin_menu = False
    list_per_page = 50
    resource_class = None

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(resource_class=self.resource_class, **kwargs)

    def on_register(self):
        register_permission_policy(self.model, OrganisationPermissionPolicy(self.model))
        super().on_register()


class ScopedModelForm(WagtailAdminModelForm):
    """Choices limited to what the user may see; the service validates and saves.

    Subclasses implement ``service_validate()`` (raise DomainError) and ``service_save(instance)``.
    """

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.user = for_user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset.model, "organisation_path"):
                mode = WRITE if queryset.model is Organisation else READ
                field.queryset = scope_queryset(for_user, queryset, mode=mode)
            if isinstance(field, forms.DecimalField):
                # French users type decimal commas; a number input would refuse them.
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
                field.widget.is_localized = True
        organisation_field = self.fields.get("organisation")
        if organisation_field is not None and not sees_everything(for_user):
            organisation_field.required = True
            organisation_field.empty_label = None
            choices = list(organisation_field.queryset[:2])
            if len(choices) == 1 and not self.instance.pk:
                organisation_field.initial = choices[0].pk

    def formset_instances(self, name):
        """The child objects an inline panel will keep, built from its valid forms."""
        formset = self.formsets[name]
        for form in formset.forms:
            if not getattr(form, "cleaned_data", None):
                continue
            if formset.can_delete and form.cleaned_data.get("DELETE"):
                continue
            yield form.instance

    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            return False
        try:
            self.service_validate()
        except DomainError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
            return False
        return True

    def service_validate(self):
        """Ask the services whether the typed data keeps the business rules."""

    def save(self, commit=True):
        # Wagtail's views read form.instance afterwards, so adopt whatever object the service returns.
        self.instance = self.service_save(super().save(commit=False))
        return self.instance

    def service_save(self, instance):
        raise NotImplementedError
