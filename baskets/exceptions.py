from pivot_site.exceptions import DomainError


class InvalidReservation(DomainError):
    code = "invalid_reservation"


class InvalidTransition(DomainError):
    code = "invalid_transition"
