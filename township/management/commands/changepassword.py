"""`manage.py changepassword`: Django's command, with the new password in the audit log."""

import getpass

from django.contrib.auth.management.commands import changepassword

from township.audit import user_change_audit, user_state
from township.models import User


class Command(changepassword.Command):
    def handle(self, *args, **options):
        username = options["username"] or getpass.getuser()
        database = options["database"]
        user = User._default_manager.using(database).filter(**{User.USERNAME_FIELD: username})
        before = user_state(user.first()) if user.exists() else None
        # No transaction around it: it would hold SQLite's write lock while the password is typed.
        result = super().handle(*args, **options)  # a missing user raises CommandError
        if before is not None:
            user_change_audit(
                actor=None, actor_name="manage.py changepassword", user=user.get(), before=before
            )
        return result
