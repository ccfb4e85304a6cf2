"""Record where a sync run's time goes; on the sync state, count mirrored rows and keep
the full resync under way; compress mirrored raw JSON with lz4.

PostgreSQL compresses large values (the raw JSON of an invoice or estimate with its items
is 6-8 KB) with pglz by default, which costs more than parsing the JSON itself; lz4 is
several times faster at a similar ratio. Servers built without lz4 keep pglz.
"""

from django.db import migrations, models


def _set_raw_compression(apps, schema_editor, method):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model in apps.get_app_config("mirror").get_models():
        if not any(field.column == "raw" for field in model._meta.concrete_fields):
            continue
        table = schema_editor.quote_name(model._meta.db_table)
        schema_editor.execute(
            "DO $$ BEGIN "
            f"ALTER TABLE {table} ALTER COLUMN raw SET COMPRESSION {method}; "
            "EXCEPTION WHEN feature_not_supported THEN NULL; END $$"
        )


def raw_lz4(apps, schema_editor):
    _set_raw_compression(apps, schema_editor, "lz4")


def raw_default(apps, schema_editor):
    _set_raw_compression(apps, schema_editor, "default")


# The tables of the resources a sync state tracks, as they were when this migration was written.
TABLES = {
    "tag-types": "mirror_tagtype",
    "business-units": "mirror_businessunit",
    "user-roles": "mirror_userrole",
    "employees": "mirror_employee",
    "technicians": "mirror_technician",
    "campaigns": "mirror_campaign",
    "job-types": "mirror_jobtype",
    "arrival-windows": "mirror_arrivalwindow",
    "categories": "mirror_pricebookcategory",
    "services": "mirror_pricebookservice",
    "equipment": "mirror_pricebookequipment",
    "materials": "mirror_pricebookmaterial",
    "discounts-and-fees": "mirror_pricebookdiscountfee",
    "forms": "mirror_form",
    "booking-provider-tags": "mirror_bookingprovidertag",
    "customers": "mirror_customer",
    "customer-contacts": "mirror_customercontact",
    "locations": "mirror_location",
    "location-contacts": "mirror_locationcontact",
    "contacts": "mirror_contact",
    "contact-methods": "mirror_contactmethod",
    "leads": "mirror_lead",
    "projects": "mirror_project",
    "jobs": "mirror_job",
    "bookings": "mirror_booking",
    "appointments": "mirror_appointment",
    "appointment-assignments": "mirror_appointmentassignment",
    "invoices": "mirror_invoice",
    "invoice-items": "mirror_invoiceitem",
    "payments": "mirror_payment",
    "estimates": "mirror_estimate",
    "estimate-items": "mirror_estimateitem",
    "installed-equipment": "mirror_installedequipment",
    "service-agreements": "mirror_serviceagreement",
}


def count_rows(apps, schema_editor):
    SyncState = apps.get_model("mirror", "SyncState")
    with schema_editor.connection.cursor() as cursor:
        for state in SyncState.objects.filter(resource__in=TABLES):
            table = schema_editor.quote_name(TABLES[state.resource])
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE connection_id = %s",  # noqa: S608
                [state.connection_id],
            )
            state.rows = cursor.fetchone()[0]
            state.save(update_fields=["rows"])


class Migration(migrations.Migration):
    dependencies = [
        ("mirror", "0002_mirror_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="syncrun",
            name="store_seconds",
            field=models.FloatField(default=0),
        ),
        migrations.AddField(
            model_name="syncrun",
            name="wait_seconds",
            field=models.FloatField(default=0),
        ),
        migrations.AddField(
            model_name="syncstate",
            name="rows",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="syncstate",
            name="full_key",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="syncstate",
            name="resyncing",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(count_rows, migrations.RunPython.noop),
        migrations.RunPython(raw_lz4, raw_default),
    ]
