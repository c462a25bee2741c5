from django.utils.translation import gettext_lazy as _

from pivot_site.exceptions import DomainError


class OrganisationMismatch(DomainError):
    code = "organisation_mismatch"


class InvalidOpeningHours(DomainError):
    code = "invalid_opening_hours"


class InvalidClosure(DomainError):
    code = "invalid_closure"


class AccessCodeRequired(DomainError):
    code = "access_code_required"

    def __init__(self):
        super().__init__(_("A restricted depot needs an access code."), field="access_code")
