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
    "auth.locked_out": _("多次登录失败，账号被锁定"),
    "auth.user.created": _("新建用户"),
    "auth.user.changed": _("修改用户角色、范围或权限"),
    "auth.user.password_changed": _("修改用户密码"),
    "auth.user.deleted": _("删除用户"),
    "security.not_found": _("访问不存在或不在范围内的记录"),
    "security.csrf_failed": _("请求校验失败（CSRF），已拒绝"),
    "admin.added": _("在后台新增记录"),
    "admin.changed": _("在后台修改记录"),
    "admin.deleted": _("在后台删除记录"),
    "exchange.imported": _("导入乡镇数据"),
    "exchange.import_refused": _("导入被拒绝（文件有错误）"),
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
    "members.roster.exported": _("导出党员名册"),
    "members.roster.imported": _("导入党员名册"),
    "members.roster.import_refused": _("拒绝导入党员名册文件"),
    "scoring.office_score.set": _("录入党建办评价"),
    "scoring.month.computed": _("计算月度考核"),
    "scoring.month.locked": _("锁定月度考核"),
    "scoring.month.reopened": _("重新开放月度考核"),
    "scoring.scheme.copied": _("复制考核方案"),
    "scoring.scheme.changed": _("修改考核方案"),
}

# The names of the fields a change lists (`data["changes"]`), where they are not plain words.
FIELD_LABELS: dict[str, Any] = {
    "role": _("角色"),
    "county": _("县"),
    "township": _("乡镇"),
    "branch": _("党支部"),
    "member": _("党员"),
    "is_active": _("启用"),
    "is_staff": _("可登录后台"),
    "is_superuser": _("超级用户"),
    "groups": _("用户组"),
    "user_permissions": _("权限"),
}

# The pages of the records an entry may name: object type → URL name taking `pk`.
OBJECT_URLS: dict[str, str] = {
    "branches.branch": "branches:branch_detail",
    "branches.meeting": "branches:meeting_detail",
    "members.member": "members:member_detail",
    "township.reportjob": "reports:detail",
}
