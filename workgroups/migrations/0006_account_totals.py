"""AccountTotal: the entries summed by year, group, month, category, status and approval, kept
by triggers on workgroups_accountentry in the same transaction as the change (see the model),
and filled from the entries already there. Replaces the covering index that budget against
actuals read before (0005): the totals are a few hundred rows a year where the index held
every entry."""

import django.db.models.deletion
from django.db import migrations, models

TRIGGERS = """
CREATE FUNCTION workgroups_account_total_add(e workgroups_accountentry, sign integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO workgroups_accounttotal (budget_year_id, working_group_id, month, category, status, approval, amount, entries)
    VALUES (e.budget_year_id, e.working_group_id, EXTRACT(MONTH FROM e.date)::smallint,
            e.category, e.status, e.approval, sign * e.amount, sign)
    ON CONFLICT (budget_year_id, working_group_id, month, category, status, approval) DO UPDATE
        SET amount = workgroups_accounttotal.amount + EXCLUDED.amount,
            entries = workgroups_accounttotal.entries + EXCLUDED.entries;
    IF sign < 0 THEN
        DELETE FROM workgroups_accounttotal
        WHERE budget_year_id = e.budget_year_id AND working_group_id = e.working_group_id
          AND month = EXTRACT(MONTH FROM e.date) AND category = e.category
          AND status = e.status AND approval = e.approval AND entries = 0;
    END IF;
END $$;

CREATE FUNCTION workgroups_account_total_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM workgroups_account_total_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM workgroups_account_total_add(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER workgroups_account_total_insert_delete
    AFTER INSERT OR DELETE ON workgroups_accountentry
    FOR EACH ROW EXECUTE FUNCTION workgroups_account_total_keep();

-- Django's save() writes every column: only a change to what is summed moves a total.
CREATE TRIGGER workgroups_account_total_update
    AFTER UPDATE ON workgroups_accountentry
    FOR EACH ROW
    WHEN ((OLD.budget_year_id, OLD.working_group_id, OLD.date, OLD.category, OLD.status,
           OLD.approval, OLD.amount)
          IS DISTINCT FROM
          (NEW.budget_year_id, NEW.working_group_id, NEW.date, NEW.category, NEW.status,
           NEW.approval, NEW.amount))
    EXECUTE FUNCTION workgroups_account_total_keep();

INSERT INTO workgroups_accounttotal (budget_year_id, working_group_id, month, category, status, approval, amount, entries)
SELECT budget_year_id, working_group_id, EXTRACT(MONTH FROM date)::smallint, category, status,
       approval, SUM(amount), COUNT(*)
FROM workgroups_accountentry
GROUP BY budget_year_id, working_group_id, EXTRACT(MONTH FROM date), category, status, approval;
"""

DROP_TRIGGERS = """
DROP TRIGGER workgroups_account_total_update ON workgroups_accountentry;
DROP TRIGGER workgroups_account_total_insert_delete ON workgroups_accountentry;
DROP FUNCTION workgroups_account_total_keep();
DROP FUNCTION workgroups_account_total_add(workgroups_accountentry, integer);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0010_own_work_file"),
        ("workgroups", "0005_entry_year_sums_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.PositiveSmallIntegerField()),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("travel", "Reiser"),
                            ("meetings", "Møter og bevertning"),
                            ("materials", "Materiell og trykk"),
                            ("fees", "Honorarer"),
                            ("services", "Tjenester"),
                            ("other", "Annet"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("committed", "Forpliktet"),
                            ("invoiced", "Fakturert"),
                            ("paid", "Betalt"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "approval",
                    models.CharField(
                        choices=[
                            ("not_needed", "Innenfor rammen"),
                            ("pending", "Venter på godkjenning"),
                            ("approved", "Godkjent over rammen"),
                            ("refused", "Avvist"),
                        ],
                        max_length=12,
                    ),
                ),
                ("amount", models.DecimalField(decimal_places=2, max_digits=18)),
                ("entries", models.IntegerField()),
            ],
        ),
        migrations.RemoveIndex(
            model_name="accountentry",
            name="account_entry_year_sums",
        ),
        migrations.AddField(
            model_name="accounttotal",
            name="budget_year",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="partnership.budgetyear",
            ),
        ),
        migrations.AddField(
            model_name="accounttotal",
            name="working_group",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="partnership.body"
            ),
        ),
        migrations.AddConstraint(
            model_name="accounttotal",
            constraint=models.UniqueConstraint(
                fields=("budget_year", "working_group", "month", "category", "status", "approval"),
                name="account_total_one_per_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="accounttotal",
            constraint=models.CheckConstraint(
                condition=models.Q(("month__gte", 1), ("month__lte", 12)),
                name="account_total_month",
            ),
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]
