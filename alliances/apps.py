from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlliancesConfig(AppConfig):
    name = "alliances"
    verbose_name = _("党建联盟")

    def ready(self) -> None:
        from alliances.panels import branch_panel, member_panel
        from alliances.reports import AllianceDisplay
        from township.panels import register_panel
        from township.reports import register

        register(AllianceDisplay())  # the quarter's 晾晒 table, through the report jobs
        register_panel("member", member_panel)  # 联盟活动 on the member's own page
        register_panel("branch", branch_panel)
