"""Reads about customer accounts that carry a rule."""

from shops.permissions import sees_everything


def is_staff_account(user) -> bool:
    """Platform admins, animators and organisation staff: their accounts carry others' work and rights."""
    return user.is_staff or sees_everything(user) or user.staff_memberships.exists()
