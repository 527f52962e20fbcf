from django.db import migrations


def forwards(apps, schema_editor):
    from govpm.accounts.reference import ensure_reference_units

    ensure_reference_units(apps.get_model("accounts", "Unit"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
