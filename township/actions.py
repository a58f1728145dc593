"""The audit log's action codes and the sentence each is shown as.

Its own module, below both the audit writer and the model that displays an entry.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

# One sentence per action, for display.
ACTION_LABELS: dict[str, Any] = {
    "auth.login": _("登录"),
    "auth.logout": _("退出登录"),
    "auth.login_failed": _("登录失败"),
    "auth.permission_denied": _("越权访问被拒绝"),
    "admin.added": _("在后台新增记录"),
    "admin.changed": _("在后台修改记录"),
    "admin.deleted": _("在后台删除记录"),
    "exchange.imported": _("导入乡镇数据"),
    "exchange.exported": _("导出乡镇数据"),
    "scoring.scores.exported": _("导出考核得分"),
    "reports.requested": _("申请生成报表"),
    "reports.downloaded": _("下载报表"),
    "reports.made": _("命令行生成报表"),
    "branches.branch.created": _("新建党支部"),
    "branches.branch.changed": _("修改党支部"),
    "branches.meeting.created": _("登记会议"),
    "branches.meeting.changed": _("修改会议"),
    "branches.meeting.deleted": _("删除会议"),
    "branches.attendance.changed": _("登记出勤"),
    "members.member.created": _("新增党员"),
    "members.member.changed": _("修改党员信息"),
    "members.dues.recorded": _("登记党费"),
    "members.dues.changed": _("更正党费"),
    "members.visit.recorded": _("登记走访"),
    "members.adjustment.recorded": _("登记加减分"),
    "scoring.office_score.set": _("录入党建办评价"),
    "scoring.month.computed": _("计算月度考核"),
    "scoring.month.locked": _("锁定月度考核"),
    "scoring.month.reopened": _("重新开放月度考核"),
    "scoring.scheme.copied": _("复制考核方案"),
    "scoring.scheme.changed": _("修改考核方案"),
}
