from pivot_site.exceptions import DomainError


class InvalidAccount(DomainError):
    code = "invalid_account"
