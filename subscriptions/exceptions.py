from pivot_site.exceptions import DomainError


class ChangeRefused(DomainError):
    """A rule refused a change to deliveries; nothing was changed. The API answers 409 with the details
    (``counters``, ``dates_with_room``, ``date``...)."""

    code = "refused"
    conflict = True


class InvalidSubscription(DomainError):
    code = "invalid_subscription"
