from django.core.management.base import BaseCommand
from django_q.models import Schedule

# name -> (task path, schedule type, minutes between runs)
SCHEDULES = {
    "Purge des imports non confirmés": ("imports.tasks.purge_stale_previews", Schedule.HOURLY, None),
    "Délais des commandes": ("baskets.tasks.sweep_deadlines", Schedule.MINUTES, 1),
    "Imports programmés": ("imports.sources.import_sources_check", Schedule.MINUTES, 15),
    "Livraisons des abonnements": ("subscriptions.tasks.deliveries_plan", Schedule.DAILY, None),
    "Rappels des fermetures de dépôts": ("subscriptions.notifications.closure_reminders_send", Schedule.DAILY, None),
}


class Command(BaseCommand):
    help = "Create or update the background job schedules (idempotent)."

    def handle(self, *args, **options):
        for name, (func, schedule_type, minutes) in SCHEDULES.items():
            Schedule.objects.update_or_create(
                name=name, defaults={"func": func, "schedule_type": schedule_type, "minutes": minutes, "repeats": -1}
            )
        Schedule.objects.filter(func__in=[f for f, *_ in SCHEDULES.values()]).exclude(name__in=SCHEDULES).delete()
        self.stdout.write(f"{len(SCHEDULES)} schedule(s) up to date.")
