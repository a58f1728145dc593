"""One dues payment per member and month.

Existing duplicates are not merged (which payment date counts for F9/P2 would be a guess): the
migration stops with the list of them, and nothing changes until they are resolved by hand.
"""

from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models import Count
from django.utils.translation import gettext as _

SHOWN = 20


def refuse_duplicates(apps, schema_editor):
    DuesPayment = apps.get_model("members", "DuesPayment")
    groups = (
        DuesPayment.objects.values("member_id", "member__code", "member__township__code", "month")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("member__township__code", "member__code", "month")
    )
    duplicates = list(groups[: SHOWN + 1])
    if not duplicates:
        return
    lines = []
    for group in duplicates[:SHOWN]:
        ids = DuesPayment.objects.filter(
            member_id=group["member_id"], month=group["month"]
        ).order_by("pk").values_list("pk", flat=True)
        lines.append(
            _("乡镇 %(township)s 党员 %(member)s %(month)s：%(n)d 笔（id %(ids)s）")
            % {
                "township": group["member__township__code"],
                "member": group["member__code"],
                "month": f"{group['month']:%Y-%m}",
                "n": group["n"],
                "ids": ", ".join(str(pk) for pk in ids),
            }
        )
    if len(duplicates) > SHOWN:
        lines.append(_("……（仅列出前 %(n)d 组）") % {"n": SHOWN})
    raise CommandError(
        _(
            "党费记录中有同一党员同一月份的多笔交纳，而今后每月只允许一笔。请先合并或删除多余的"
            "记录（在后台或通过导入），再运行 migrate；数据库未作任何修改。\n%(lines)s"
        )
        % {"lines": "\n".join(lines)}
    )


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0002_orderings_by_column"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(
            model_name="duespayment",
            name="members_due_member__c74af5_idx",
        ),
        migrations.AddConstraint(
            model_name="duespayment",
            constraint=models.UniqueConstraint(
                fields=("member", "month"), name="dues_one_per_member_month"
            ),
        ),
    ]
