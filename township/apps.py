from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TownshipConfig(AppConfig):
    name = "township"
    verbose_name = _("乡镇党建")

    def ready(self) -> None:
        from township import audit  # noqa: F401  (connects the login and lockout receivers)
        from township.audit_reports import AuditLogReport
        from township.reports import register

        register(AuditLogReport())  # the audit log's Excel export, like any app's report kind
