from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("组织与三会一课")

    def ready(self) -> None:
        from branches.reports import KINDS
        from township.reports import register

        for kind in KINDS:  # the report machinery knows these reports only through this
            register(kind())
