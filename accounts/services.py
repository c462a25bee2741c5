"""Customer accounts: signing up. The e-mail address is the login."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from pivot_site.validators import normalise_phone, validate_phone

from .exceptions import InvalidAccount
from .models import CustomerProfile


def _refuse(field: str, error: ValidationError):
    raise InvalidAccount(" ".join(error.messages), field=field)


@transaction.atomic
def customer_register(*, email: str, password: str, first_name: str, last_name: str, phone: str = "", actor=None):
    """Create a customer's account; refuses an e-mail address already used (whatever its case) and weak passwords."""
    User = get_user_model()
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        _refuse("email", error)
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name:
        raise InvalidAccount(_("Give your first name."), field="first_name")
    if not last_name:
        raise InvalidAccount(_("Give your last name."), field="last_name")
    phone = normalise_phone(phone) if phone else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as error:
            _refuse("phone", error)
    user = User(username=email, email=email, first_name=first_name[:150], last_name=last_name[:150])
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
