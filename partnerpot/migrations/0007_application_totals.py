"""ApplicationTotal: the submitted applications counted and summed per call, status and
whether withdrawn unsent, kept by triggers on partnerpot_application in the same transaction as
the change (see the model), and filled from the applications already there. Drafts are not
counted. An update moves its old and new keys in key order, so concurrent opposite moves
cannot deadlock on the two total rows."""

import django.db.models.deletion
from django.db import migrations, models

TRIGGERS = """
CREATE FUNCTION partnerpot_application_total_add(a partnerpot_application, sign integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    is_unsent boolean := a.status = 'withdrawn' AND a.submitted_at IS NULL;
BEGIN
    IF a.status = 'draft' THEN
        RETURN;
    END IF;
    INSERT INTO partnerpot_applicationtotal (call_id, status, unsent, applications, requested, granted)
    VALUES (a.call_id, a.status, is_unsent, sign, sign * COALESCE(a.requested_amount, 0),
            sign * COALESCE(a.granted_amount, 0))
    ON CONFLICT (call_id, status, unsent) DO UPDATE
        SET applications = partnerpot_applicationtotal.applications + EXCLUDED.applications,
            requested = partnerpot_applicationtotal.requested + EXCLUDED.requested,
            granted = partnerpot_applicationtotal.granted + EXCLUDED.granted;
    IF sign < 0 THEN
        DELETE FROM partnerpot_applicationtotal
        WHERE call_id = a.call_id AND status = a.status AND unsent = is_unsent
          AND applications = 0;
    END IF;
END $$;

CREATE FUNCTION partnerpot_application_total_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM partnerpot_application_total_add(NEW, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM partnerpot_application_total_add(OLD, -1);
    -- The two keys in a fixed order (call, status, unsent), whatever the direction of the move.
    ELSIF (OLD.call_id, OLD.status, OLD.status = 'withdrawn' AND OLD.submitted_at IS NULL)
          <= (NEW.call_id, NEW.status, NEW.status = 'withdrawn' AND NEW.submitted_at IS NULL) THEN
        PERFORM partnerpot_application_total_add(OLD, -1);
        PERFORM partnerpot_application_total_add(NEW, 1);
    ELSE
        PERFORM partnerpot_application_total_add(NEW, 1);
        PERFORM partnerpot_application_total_add(OLD, -1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER partnerpot_application_total_insert_delete
    AFTER INSERT OR DELETE ON partnerpot_application
    FOR EACH ROW EXECUTE FUNCTION partnerpot_application_total_keep();

-- Django's save() writes every column (a draft's autosave too): only a change to what is
-- counted or summed moves a total.
CREATE TRIGGER partnerpot_application_total_update
    AFTER UPDATE ON partnerpot_application
    FOR EACH ROW
    WHEN ((OLD.call_id, OLD.status, OLD.submitted_at IS NULL, OLD.requested_amount,
           OLD.granted_amount)
          IS DISTINCT FROM
          (NEW.call_id, NEW.status, NEW.submitted_at IS NULL, NEW.requested_amount,
           NEW.granted_amount))
    EXECUTE FUNCTION partnerpot_application_total_keep();

INSERT INTO partnerpot_applicationtotal (call_id, status, unsent, applications, requested, granted)
SELECT call_id, status, status = 'withdrawn' AND submitted_at IS NULL, COUNT(*),
       COALESCE(SUM(requested_amount), 0), COALESCE(SUM(granted_amount), 0)
FROM partnerpot_application
WHERE status <> 'draft'
GROUP BY call_id, status, status = 'withdrawn' AND submitted_at IS NULL;
"""

DROP_TRIGGERS = """
DROP TRIGGER partnerpot_application_total_update ON partnerpot_application;
DROP TRIGGER partnerpot_application_total_insert_delete ON partnerpot_application;
DROP FUNCTION partnerpot_application_total_keep();
DROP FUNCTION partnerpot_application_total_add(partnerpot_application, integer);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("partnerpot", "0006_application_call_sums_sent"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApplicationTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Utkast"),
                            ("submitted", "Sendt inn"),
                            ("info_requested", "Venter på mer informasjon"),
                            ("assessed", "Vurdert"),
                            ("on_agenda", "Til behandling i partnermøtet"),
                            ("granted", "Innvilget"),
                            ("partly_granted", "Delvis innvilget"),
                            ("rejected", "Avslått"),
                            ("withdrawn", "Trukket"),
                        ],
                        max_length=20,
                    ),
                ),
                ("unsent", models.BooleanField()),
                ("applications", models.IntegerField()),
                ("requested", models.DecimalField(decimal_places=2, max_digits=18)),
                ("granted", models.DecimalField(decimal_places=2, max_digits=18)),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="partnerpot.call",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("call", "status", "unsent"), name="application_total_one_per_key"
                    )
                ],
            },
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
    ]
