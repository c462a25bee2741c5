"""Business rules for organisations, staff, shops, depots, closures, categories and members."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pivot_site.exceptions import DomainError
from pivot_site.validators import normalise_identifier, normalise_phone

from .choices import ORGANISATION_STAFF_GROUP, StaffRole, VolunteerAnswer
from .exceptions import AccessCodeRequired, InvalidClosure, InvalidOpeningHours, OrganisationMismatch
from .models import Closure, CustomerCategory, Depot, Member, OpeningPeriod, Organisation, Shop, StaffMembership
from .permissions import forget_cached_permissions
from .roles import MANAGERS_GROUP


def unique_slug(model, value, *, instance=None, max_length=80):
    base = slugify(value)[: max_length - 4] or model._meta.model_name
    slug, n = base, 2
    others = (
        model._default_manager.exclude(pk=instance.pk) if instance and instance.pk else model._default_manager.all()
    )
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def require_same_organisation(organisation_id, related, *, field):
    """Refuse links to another organisation's objects (shared objects have no organisation)."""
    for obj in related:
        if obj is not None and obj.organisation_id not in (None, organisation_id):
            raise OrganisationMismatch(
                _("“%(object)s” belongs to another organisation.") % {"object": obj}, field=field
            )


# Organisations and staff


STAFF_GROUP_PREFIX = "Équipe · "


def staff_group_name(organisation: Organisation) -> str:
    """A readable, unique group name that fits ``auth.Group.name``."""
    max_length = Group._meta.get_field("name").max_length
    suffix = f" ({organisation.slug})"
    name = f"{STAFF_GROUP_PREFIX}{organisation.name[: max_length - len(STAFF_GROUP_PREFIX) - len(suffix)]}{suffix}"
    if Group.objects.filter(name=name).exists():
        # Left behind by a deleted organisation that had this slug: never reuse it, its members would get in.
        suffix = f" ({organisation.slug} #{organisation.pk})"
        name = f"{STAFF_GROUP_PREFIX}{organisation.name[: max_length - len(STAFF_GROUP_PREFIX) - len(suffix)]}{suffix}"
    return name


def staff_group_ensure(organisation: Organisation) -> Group:
    if organisation.staff_group_id is None:
        organisation.staff_group = Group.objects.create(name=staff_group_name(organisation))
        organisation.save(update_fields=["staff_group"])
    return organisation.staff_group


@transaction.atomic
def organisation_save(*, organisation: Organisation, actor=None) -> Organisation:
    organisation.siret = normalise_identifier(organisation.siret)
    organisation.vat_number = normalise_identifier(organisation.vat_number)
    organisation.phone = normalise_phone(organisation.phone) if organisation.phone else ""
    if not organisation.slug:
        organisation.slug = unique_slug(Organisation, organisation.name, instance=organisation)
    organisation.full_clean()
    organisation.save()
    staff_group_ensure(organisation)
    return organisation


@transaction.atomic
def staff_membership_set(
    *, organisation: Organisation, user, role: str = StaffRole.STAFF, actor=None
) -> StaffMembership:
    """Give ``user`` a role in ``organisation``: admin access, the organisation's tables and its shop pages."""
    if role not in StaffRole.values:
        raise DomainError(_("“%(role)s” is not a staff role.") % {"role": role}, code="invalid_role", field="role")
    membership, _created = StaffMembership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    user.groups.add(Group.objects.get(name=ORGANISATION_STAFF_GROUP), staff_group_ensure(organisation))
    managers = Group.objects.get(name=MANAGERS_GROUP)
    if user.staff_memberships.filter(role=StaffRole.MANAGER).exists():
        user.groups.add(managers)
    else:
        user.groups.remove(managers)
    forget_cached_permissions(user)
    return membership


@transaction.atomic
def staff_membership_remove(*, membership: StaffMembership, actor=None) -> None:
    """Take a user out of an organisation, with its groups; the global staff group stays while other roles remain."""
    user, organisation = membership.user, membership.organisation
    membership.delete()
    user.groups.remove(organisation.staff_group)
    remaining = user.staff_memberships.all()
    if not remaining.exists():
        user.groups.remove(Group.objects.get(name=ORGANISATION_STAFF_GROUP))
    if not remaining.filter(role=StaffRole.MANAGER).exists():
        user.groups.remove(Group.objects.get(name=MANAGERS_GROUP))


# Shops


def opening_hours_validate(periods: Iterable) -> None:
    """Periods of one day must be in order and must not overlap."""
    by_day = defaultdict(list)
    for period in periods:
        if period.opens >= period.closes:
            raise InvalidOpeningHours(
                _("On %(day)s, the closing time must be after the opening time.")
                % {"day": period.get_weekday_display()},
                field="opening_hours",
            )
        by_day[period.weekday].append(period)
    for day_periods in by_day.values():
        day_periods.sort(key=lambda p: p.opens)
        for before, after in zip(day_periods, day_periods[1:]):
            if after.opens < before.closes:
                raise InvalidOpeningHours(
                    _("On %(day)s, the opening periods %(a)s and %(b)s overlap.")
                    % {
                        "day": after.get_weekday_display(),
                        "a": f"{before.opens:%H:%M}–{before.closes:%H:%M}",
                        "b": f"{after.opens:%H:%M}–{after.closes:%H:%M}",
                    },
                    field="opening_hours",
                )


@transaction.atomic
def shop_save(*, shop: Shop, opening_hours: Iterable[OpeningPeriod] | None = None, actor=None) -> Shop:
    """Create or update a shop; a new shop gets its ShopPage, editable by its organisation's staff only."""
    from wagtail.models import GroupPagePermission

    from cms.services import shop_page_ensure
    from offers.models import Offer

    if opening_hours is not None:
        shop.opening_hours = list(opening_hours)
    opening_hours_validate(shop.opening_hours.all())
    if shop.pk and (
        Offer.objects.filter(shop_id=shop.pk).exclude(organisation_id=shop.organisation_id).exists()
        or Depot.objects.filter(shop_id=shop.pk).exclude(organisation_id=shop.organisation_id).exists()
    ):
        raise OrganisationMismatch(
            _("This shop holds offers or depots of its organisation: it cannot move to another one."),
            field="organisation",
        )
    if not shop.slug:
        shop.slug = unique_slug(Shop, shop.name, instance=shop)
    shop.phone = normalise_phone(shop.phone) if shop.phone else ""
    shop.full_clean()
    shop.save()
    page = shop_page_ensure(shop=shop)
    # Only the shop's own organisation edits its page (it may have moved from another one).
    other_teams = Organisation.objects.exclude(pk=shop.organisation_id).exclude(staff_group=None).values("staff_group")
    GroupPagePermission.objects.filter(page=page, group__in=other_teams).delete()
    return shop


# Depots and closures


def depot_validate(*, depot: Depot, access_code: str = "") -> None:
    if depot.shop is not None:
        require_same_organisation(depot.organisation_id, [depot.shop], field="shop")
    if depot.restricted and not (access_code or depot.access_code_hash):
        raise AccessCodeRequired()
    if depot.pk and not depot.active:
        replaced = (
            Closure.objects.filter(replacement_id=depot.pk, ends_on__gte=timezone.localdate())
            .exclude(depot_id=depot.pk)
            .select_related("depot")
            .first()
        )
        if replaced is not None:
            raise InvalidClosure(
                _("This depot replaces “%(depot)s” from %(start)s to %(end)s; it must stay active.")
                % {
                    "depot": replaced.depot,
                    "start": replaced.starts_on.strftime("%d/%m/%Y"),
                    "end": replaced.ends_on.strftime("%d/%m/%Y"),
                },
                field="active",
            )


def closures_validate(*, depot: Depot, closures: Iterable[Closure]) -> None:
    """Closures of one depot must not overlap; a replacement must be another open depot of the same organisation."""
    closures = sorted(closures, key=lambda c: c.starts_on)
    for closure in closures:
        if closure.starts_on > closure.ends_on:
            raise InvalidClosure(_("A closure must end on or after its first day."), field="closures")
        replacement = closure.replacement
        if replacement is None:
            continue
        if depot.pk and replacement.pk == depot.pk:
            raise InvalidClosure(_("A depot cannot replace itself."), field="closures")
        if replacement.organisation_id != depot.organisation_id:
            raise InvalidClosure(
                _("The replacement depot “%(depot)s” belongs to another organisation.") % {"depot": replacement},
                field="closures",
            )
        if not replacement.active:
            raise InvalidClosure(
                _("The replacement depot “%(depot)s” is not active.") % {"depot": replacement}, field="closures"
            )
        if replacement.closures.filter(starts_on__lte=closure.ends_on, ends_on__gte=closure.starts_on).exists():
            raise InvalidClosure(
                _("The replacement depot “%(depot)s” is itself closed during that period.") % {"depot": replacement},
                field="closures",
            )
    if depot.pk:
        # The other way round: a depot named as another's replacement stays open during that closure.
        for closure in closures:
            replaced = (
                Closure.objects.filter(
                    replacement_id=depot.pk, starts_on__lte=closure.ends_on, ends_on__gte=closure.starts_on
                )
                .exclude(depot_id=depot.pk)
                .select_related("depot")
                .first()
            )
            if replaced is not None:
                raise InvalidClosure(
                    _("This depot replaces “%(depot)s” from %(start)s to %(end)s; it cannot close then.")
                    % {
                        "depot": replaced.depot,
                        "start": replaced.starts_on.strftime("%d/%m/%Y"),
                        "end": replaced.ends_on.strftime("%d/%m/%Y"),
                    },
                    field="closures",
                )
    for before, after in zip(closures, closures[1:]):
        if after.starts_on <= before.ends_on:
            raise InvalidClosure(
                _("The closures from %(a)s and from %(b)s overlap.")
                % {"a": before.starts_on.strftime("%d/%m/%Y"), "b": after.starts_on.strftime("%d/%m/%Y")},
                field="closures",
            )


@transaction.atomic
def depot_save(*, depot: Depot, access_code: str = "", closures: Iterable[Closure] | None = None, actor=None) -> Depot:
    if closures is not None:
        depot.closures = list(closures)
    depot_validate(depot=depot, access_code=access_code)
    closures_validate(depot=depot, closures=depot.closures.all())
    if access_code:
        depot.access_code_hash = make_password(access_code)
    if not depot.restricted:
        depot.access_code_hash = ""
    depot.full_clean()
    depot.save()
    return depot


def depot_check_access_code(*, depot: Depot, access_code: str) -> bool:
    return not depot.restricted or check_password(access_code or "", depot.access_code_hash)


@transaction.atomic
def closure_create(
    *, depot: Depot, starts_on, ends_on, reason: str = "", replacement: Depot | None = None, actor=None
) -> Closure:
    locked = Depot.objects.select_for_update().get(pk=depot.pk)
    closure = Closure(depot=locked, starts_on=starts_on, ends_on=ends_on, reason=reason, replacement=replacement)
    closures_validate(depot=locked, closures=[*locked.closures.all(), closure])
    closure.full_clean()
    closure.save()
    return closure


# Customer categories and members


@transaction.atomic
def customer_category_save(*, category: CustomerCategory, actor=None) -> CustomerCategory:
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def member_save(*, member: Member, categories=None, volunteer_domains=None, actor=None) -> Member:
    """Create or update a member; categories must be the member's organisation's own."""
    member.email = (member.email or "").strip().lower()
    member.phone = normalise_phone(member.phone) if member.phone else ""
    if categories is not None:
        categories = list(categories)
        require_same_organisation(member.organisation_id, categories, field="categories")
    elif member.pk:
        # Not changed here, but the member may have moved to another organisation.
        require_same_organisation(
            member.organisation_id,
            member.categories.exclude(organisation_id=member.organisation_id)[:1],
            field="categories",
        )
    if member.volunteer == VolunteerAnswer.NO:
        volunteer_domains = []
    if member.email:
        # Before full_clean, whose check of the same constraint would give a less helpful error.
        duplicate = Member.objects.filter(organisation_id=member.organisation_id, email=member.email).exclude(
            pk=member.pk
        )
        if duplicate.exists():
            raise DomainError(
                _("Another member of this organisation already uses the e-mail %(email)s.") % {"email": member.email},
                code="duplicate_member",
                field="email",
            )
    member.full_clean()
    member.save()
    if categories is not None:
        member.categories.set(categories)
    if volunteer_domains is not None:
        member.volunteer_domains.set(volunteer_domains)
    return member


def member_ensure_for_customer(*, organisation_id: int, user, actor=None) -> Member:
    """The customer's member record in an organisation, made at their first order there.

    A member the organisation already knows under the same e-mail (imported, say) gets the account linked
    instead of a duplicate; two first orders at the same moment make one member.
    """
    existing = Member.objects.filter(organisation_id=organisation_id, user=user).first()
    if existing is not None:
        return existing
    email = (user.email or "").strip().lower()
    if email:
        known = Member.objects.filter(organisation_id=organisation_id, email=email, user__isnull=True).first()
        if known is not None:
            known.user = user
            known.save(update_fields=["user"])
            return known
    profile = getattr(user, "customer_profile", None)
    member = Member(
        organisation_id=organisation_id,
        user=user,
        first_name=(user.first_name or email.split("@")[0])[:100],
        last_name=user.last_name[:100],
        email=email,
        phone=profile.phone if profile else "",
        contact_by_email=profile.contact_by_email if profile else True,
        contact_by_sms=profile.contact_by_sms if profile else False,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:  # the same e-mail registered at the same moment
        return Member.objects.get(organisation_id=organisation_id, email=email)
    return member
