# Stored month figures carry the count of applicable fortress items and of those met (full
# points), so that pages no longer decode every month's JSON to count completeness.

from decimal import Decimal

from django.db import migrations, models


def fill_counts(apps, schema_editor):
    """Count met and applicable items of the rows stored so far, against each row's scheme."""
    BranchMonthScore = apps.get_model("scoring", "BranchMonthScore")
    SchemeItem = apps.get_model("scoring", "SchemeItem")
    points: dict[int, dict[str, Decimal]] = {}
    for scheme_id, code, value in SchemeItem.objects.filter(enabled=True).values_list(
        "scheme_id", "code", "points"
    ):
        points.setdefault(scheme_id, {})[code] = value
    batch = []
    for row in BranchMonthScore.objects.only("pk", "items", "scheme_id").iterator(chunk_size=2000):
        codes = [c for c in row.items if c.startswith("F")]
        own = points.get(row.scheme_id, {})
        row.applicable = len(codes)
        row.met = sum(1 for c in codes if c in own and Decimal(row.items[c]) >= own[c])
        batch.append(row)
        if len(batch) == 2000:
            BranchMonthScore.objects.bulk_update(batch, ["met", "applicable"])
            batch = []
    BranchMonthScore.objects.bulk_update(batch, ["met", "applicable"])


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0004_month_state_moves_to_township"),
    ]

    operations = [
        migrations.AddField(
            model_name="branchmonthscore",
            name="applicable",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="适用项目数"),
        ),
        migrations.AddField(
            model_name="branchmonthscore",
            name="met",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="满分项目数"),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
    ]
