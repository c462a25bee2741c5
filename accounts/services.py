"""Customer accounts: signing up, editing the profile, deleting the account. The e-mail address is the login."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from baskets.services import reservations_anonymise
from pivot_site.validators import normalise_phone, validate_phone
from shops.choices import VolunteerAnswer
from shops.models import Member

from .exceptions import InvalidAccount
from .models import CustomerProfile
from .selectors import is_staff_account

# What stands for a name the customer took back: the member row stays in the organisation's books.
ERASED_NAME = "—"


def _refuse(field: str, error: ValidationError):
    raise InvalidAccount(" ".join(error.messages), field=field)


def _clean_names(first_name: str, last_name: str) -> tuple[str, str]:
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name:
        raise InvalidAccount(_("Give your first name."), field="first_name")
    if not last_name:
        raise InvalidAccount(_("Give your last name."), field="last_name")
    return first_name[:150], last_name[:150]


def _clean_phone(phone: str) -> str:
    phone = normalise_phone(phone) if phone else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as error:
            _refuse("phone", error)
    return phone


def _require_owner(*, user, actor) -> None:
    if actor is None or actor.pk != user.pk:
        raise InvalidAccount(_("Only the account's owner can do this."), code="not_owner")


@transaction.atomic
def customer_register(*, email: str, password: str, first_name: str, last_name: str, phone: str = "", actor=None):
    """Create a customer's account; refuses an e-mail address already used (whatever its case) and weak passwords."""
    User = get_user_model()
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        _refuse("email", error)
    if len(email) > User._meta.get_field("username").max_length:  # the address is the username
        raise InvalidAccount(_("This e-mail address is too long."), field="email")
    first_name, last_name = _clean_names(first_name, last_name)
    phone = _clean_phone(phone)
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        _refuse("password", error)
    if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise InvalidAccount(_("An account already uses this e-mail address."), field="email")
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address signed up at the same moment
        raise InvalidAccount(_("An account already uses this e-mail address."), field="email")
    CustomerProfile.objects.create(user=user, phone=phone)
    return user


@transaction.atomic
def customer_update_profile(
    *, user, first_name: str, last_name: str, phone: str, contact_by_email: bool, contact_by_sms: bool, actor
) -> CustomerProfile:
    """Change the customer's names, phone and contact preferences (the e-mail address is the login: not here).

    An account made in the admin has no profile yet: it gets one on its first save.
    """
    _require_owner(user=user, actor=actor)
    first_name, last_name = _clean_names(first_name, last_name)
    phone = _clean_phone(phone)
    if contact_by_sms and not phone:
        raise InvalidAccount(_("Give a phone number to be contacted by SMS."), field="phone")
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    profile, _created = CustomerProfile.objects.update_or_create(
        user=user,
        defaults={"phone": phone, "contact_by_email": contact_by_email, "contact_by_sms": contact_by_sms},
    )
    return profile


@transaction.atomic
def customer_delete(*, user, actor) -> None:
    """Erase a customer's personal data and account; orders stay, anonymised, in the shops' accounts.

    Staff accounts are refused: removing them is a platform administrator's decision (their memberships,
    imports and history would otherwise vanish with a click).
    """
    _require_owner(user=user, actor=actor)
    if is_staff_account(user):
        raise InvalidAccount(
            _("A staff account cannot be deleted here: ask a platform administrator."), code="staff_account"
        )
    reservations_anonymise(customer=user)
    members = Member.objects.filter(user=user)
    Member.volunteer_domains.through.objects.filter(member__in=members).delete()
    members.update(
        user=None,
        first_name=ERASED_NAME,
        last_name="",
        email="",
        phone="",
        address="",
        postcode="",
        city="",
        comments="",
        volunteer=VolunteerAnswer.NO,
        contact_by_email=False,
        contact_by_sms=False,
    )
    # The profile and the API tokens go with the user (CASCADE); reservations keep their rows (SET_NULL).
    user.delete()
