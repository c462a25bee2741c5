from .services import reservations_sweep


def sweep_deadlines():
    """Every minute (cms/management/commands/setup_schedules.py): reassign or cancel overdue orders."""
    report = reservations_sweep()
    return f"{report.reassigned} reassigned, {report.cancelled_unaccepted + report.cancelled_uncollected} cancelled"
