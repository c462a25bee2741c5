from pivot_site.exceptions import DomainError


class InvalidOffer(DomainError):
    code = "invalid_offer"


class InvalidCategory(DomainError):
    code = "invalid_category"


class InsufficientStock(DomainError):
    code = "insufficient_stock"
