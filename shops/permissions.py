"""The one tenant-scoping policy: which objects a user may read and which they may change.

Every admin viewset, API queryset and import goes through ``scope_queryset`` and
``can_read`` / ``can_change``. Models say how they reach their organisation with
``organisation_path``; a nullable organisation means "shared by the platform":
every signed-in user reads it, only platform admins and animators change it.
Anonymous and inactive users get nothing here: public reads are selectors'.
"""

from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from .choices import ANIMATORS_GROUP, StaffRole
from .models import Organisation

READ = "read"
WRITE = "write"


def is_platform_admin(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


def is_animator(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if not hasattr(user, "_pivot_is_animator"):
        user._pivot_is_animator = user.groups.filter(name=ANIMATORS_GROUP).exists()
    return user._pivot_is_animator


def sees_everything(user) -> bool:
    return is_platform_admin(user) or is_animator(user)


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def forget_cached_permissions(user) -> None:
    """Drop what this module and Django's auth backend cached on ``user`` after a role change."""
    for attribute in (
        "_pivot_is_animator",
        "_pivot_organisation_ids",
        "_pivot_managed_organisation_ids",
        "_perm_cache",
        "_user_perm_cache",
        "_group_perm_cache",
    ):
        user.__dict__.pop(attribute, None)


def organisation_ids(user) -> frozenset:
    """The organisations a staff user works for (empty for anonymous users and customers)."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    if not hasattr(user, "_pivot_organisation_ids"):
        user._pivot_organisation_ids = frozenset(user.staff_memberships.values_list("organisation_id", flat=True))
    return user._pivot_organisation_ids


def managed_organisation_ids(user) -> frozenset:
    """The organisations where the user is a manager (who may change the organisation's settings)."""
    if not is_signed_in(user):
        return frozenset()
    if not hasattr(user, "_pivot_managed_organisation_ids"):
        user._pivot_managed_organisation_ids = frozenset(
            user.staff_memberships.filter(role=StaffRole.MANAGER).values_list("organisation_id", flat=True)
        )
    return user._pivot_managed_organisation_ids


def _is_shared_capable(model) -> bool:
    path = getattr(model, "organisation_path", None)
    if not path or path == "pk" or "__" in path:
        return False
    return model._meta.get_field(path).null


def scope_queryset(user, queryset, *, mode=READ):
    """Restrict ``queryset`` to the objects ``user`` may read (or change, with ``mode=WRITE``)."""
    model = queryset.model
    if sees_everything(user):
        return queryset
    if not is_signed_in(user):
        return queryset.none()
    path = model.organisation_path
    ids = organisation_ids(user)
    condition = Q(pk__in=ids) if path == "pk" else Q(**{f"{path}__in": ids})
    if mode == READ and _is_shared_capable(model):
        condition |= Q(**{f"{path}__isnull": True})
    return queryset.filter(condition)


def object_organisation_id(obj):
    path = type(obj).organisation_path
    if path == "pk":
        return obj.pk
    target = obj
    parts = path.split("__")
    for part in parts[:-1]:
        target = getattr(target, part)
    return getattr(target, f"{parts[-1]}_id")


def can_read(user, obj) -> bool:
    if sees_everything(user):
        return True
    if not is_signed_in(user):
        return False
    organisation_id = object_organisation_id(obj)
    if organisation_id is None:
        return _is_shared_capable(type(obj))
    return organisation_id in organisation_ids(user)


def can_change(user, obj) -> bool:
    if sees_everything(user):
        return True
    organisation_id = object_organisation_id(obj)
    return organisation_id is not None and organisation_id in organisation_ids(user)


def writable_organisations(user, queryset):
    """Organisations ``user`` may create objects for."""
    return scope_queryset(user, queryset, mode=WRITE)


class OrganisationPermissionPolicy(ModelPermissionPolicy):
    """Django model permissions (what a role may do) narrowed to the user's organisations.

    On organisations themselves, changing one (its settings) is for its managers only: the
    managers' group grants the model permission, which must not reach the organisations the
    same user only works for as staff.
    """

    def _writable_ids(self, user):
        if self.model is Organisation:
            return managed_organisation_ids(user)
        return None

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if action == "view":
            return can_read(user, instance)
        if not can_change(user, instance):
            return False
        writable = self._writable_ids(user)
        return sees_everything(user) or writable is None or instance.pk in writable

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        held = [action for action in actions if self.user_has_permission(user, action)]
        if not held:
            return self.model._default_manager.none()
        queryset = self.model._default_manager.all()
        if "view" in held:
            # Whatever the user may read: a superset of what they may change.
            return scope_queryset(user, queryset, mode=READ)
        queryset = scope_queryset(user, queryset, mode=WRITE)
        writable = self._writable_ids(user)
        if writable is not None and not sees_everything(user):
            queryset = queryset.filter(pk__in=writable)
        return queryset
