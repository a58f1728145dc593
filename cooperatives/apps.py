from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperativesConfig(AppConfig):
    name = "cooperatives"
    verbose_name = _("合作社")

    def ready(self) -> None:
        from cooperatives.reports import KINDS
        from township.reports import register

        for kind in KINDS:  # the report machinery knows this app's reports only through this
            register(kind())
