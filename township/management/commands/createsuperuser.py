"""`manage.py createsuperuser`: Django's command, with the new superuser in the audit log."""

from django.contrib.auth.management.commands import createsuperuser

from township.audit import user_change_audit
from township.models import User


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        database = options["database"]
        superusers = User._default_manager.db_manager(database).filter(is_superuser=True)
        existing = set(superusers.values_list("pk", flat=True))
        # No transaction around it: it would hold SQLite's write lock during the prompts.
        super().handle(*args, **options)
        for user in superusers.exclude(pk__in=existing):
            user_change_audit(
                actor=None, actor_name="manage.py createsuperuser", user=user, before=None
            )
