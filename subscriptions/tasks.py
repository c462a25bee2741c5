from .generation import deliveries_generate
from .models import Subscription


def deliveries_plan(organisation_id: int | None = None):
    """Daily (cms/management/commands/setup_schedules.py) and after a season is saved: plan the weeks opened."""
    subscriptions = Subscription.objects.all()
    if organisation_id is not None:
        subscriptions = subscriptions.filter(organisation_id=organisation_id)
    return f"{deliveries_generate(subscriptions=subscriptions)} deliveries planned"
