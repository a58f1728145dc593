"""The branch month's township is required, with a covering index for the county's sums by
township and month."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0009_branch_month_township"),
    ]

    operations = [
        migrations.AlterField(
            model_name="branchmonthscore",
            name="township",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="branches.township",
            ),
        ),
        migrations.AddIndex(
            model_name="branchmonthscore",
            index=models.Index(
                fields=["township", "month", "branch", "index", "met", "applicable"],
                name="township_month_figures",
            ),
        ),
    ]
