from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("党员")

    def ready(self) -> None:
        from members.reports import KINDS
        from township.reports import register

        for kind in KINDS:  # the report machinery knows the members' reports only through this
            register(kind())
