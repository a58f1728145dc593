"""Each stored branch month carries its branch's township, filled from the branch for the rows
stored before (not null, and indexed, in the next migration: PostgreSQL does not alter a table
in the transaction that updated its foreign keys)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_townships(apps, schema_editor):
    BranchMonthScore = apps.get_model("scoring", "BranchMonthScore")
    Branch = apps.get_model("branches", "Branch")
    BranchMonthScore.objects.update(
        township_id=Subquery(
            Branch.objects.filter(pk=OuterRef("branch_id")).values("township_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0008_merge_dues_amount_and_active"),
        ("scoring", "0008_covering_indexes_for_county_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="branchmonthscore",
            name="township",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="branches.township",
            ),
        ),
        migrations.RunPython(fill_townships, migrations.RunPython.noop),
    ]
