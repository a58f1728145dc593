"""The application's own error class: only its messages are shown to users."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    default_message = _("操作未能完成。")

    def __init__(self, message=None, *, extra: dict | None = None):
        self.message = message or self.default_message
        self.extra = extra or {}
        super().__init__(str(self.message))

    def add_to(self, form) -> None:
        """Show the message on `form`: at the field named by `extra["field"]` when the form has
        it (what the user typed stays in the form), otherwise above the fields."""
        field = self.extra.get("field")
        form.add_error(field if field in form.fields else None, self.message)


class ScopeError(ApplicationError):
    default_message = _("该对象不在您的管理范围内。")


class MonthLockedError(ApplicationError):
    default_message = _("该月考核已锁定，记录不能再修改。")


class ExchangeError(ApplicationError):
    """A document that cannot be imported; `problems` holds one line per error with its path."""

    default_message = _("导入文件有错误，未导入任何数据。")

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(self.default_message)
