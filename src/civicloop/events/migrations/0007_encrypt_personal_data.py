"""The reporter's phone and ID number encrypted at rest (core/crypto.py); backwards: decrypted."""

from django.db import migrations

import civicloop.core.crypto
from civicloop.core.crypto import migration_operations

encrypt, decrypt = migration_operations("events", "Event")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_event_region_reported"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="reporter_id_number",
            field=civicloop.core.crypto.EncryptedCharField(
                blank=True, max_length=18, verbose_name="reporter ID number"
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="reporter_phone",
            field=civicloop.core.crypto.EncryptedCharField(
                blank=True, max_length=20, verbose_name="reporter phone"
            ),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
