"""Staff mobiles and units' duty phones encrypted at rest (core/crypto.py), staff mobiles with a
digest; backwards: decrypted."""

from django.db import migrations

import civicloop.core.crypto
from civicloop.core.crypto import migration_operations

encrypt, decrypt = migration_operations("org", "Unit", "User")


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_region_area"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone_digest",
            field=civicloop.core.crypto.DigestField(
                normalise="phone", source="phone", verbose_name="mobile phone digest"
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="phone",
            field=civicloop.core.crypto.EncryptedCharField(
                blank=True, max_length=30, verbose_name="duty phone"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=civicloop.core.crypto.EncryptedCharField(
                blank=True, max_length=20, verbose_name="mobile phone"
            ),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
