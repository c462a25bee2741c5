from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pivot_site.validators import validate_phone


class CustomerProfile(models.Model):
    """What a customer account adds to Django's user: a phone number and how they want to be contacted."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_profile")
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    contact_by_email = models.BooleanField(_("contact by e-mail"), default=True)
    contact_by_sms = models.BooleanField(_("contact by SMS"), default=False)

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")

    def __str__(self):
        return str(self.user)
