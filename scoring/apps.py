from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("考核评分")

    def ready(self) -> None:
        from scoring.panels import branch_stars_panel, member_stars_panel
        from scoring.reports import KINDS
        from scoring.reports_ledger import RectificationLedger
        from scoring.tasks import township_year_compute
        from township.months import on_months_changed
        from township.panels import register_panel
        from township.reports import register

        # Once a change of a township's records commits, store its year again (a Celery job;
        # in-process when no broker is configured).
        on_months_changed(township_year_compute.delay)
        for kind in KINDS:  # the report machinery knows scoring's reports only through this
            register(kind())
        register(RectificationLedger())
        register_panel("branch", branch_stars_panel)  # 星级评定记录 on the branch's page
        register_panel("member", member_stars_panel)
