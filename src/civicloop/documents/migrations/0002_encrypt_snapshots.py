"""Document snapshots (parties' names, ID numbers, phones) encrypted at rest (core/crypto.py);
backwards: decrypted."""

from django.db import migrations

import civicloop.core.crypto
from civicloop.core.crypto import migration_operations

encrypt, decrypt = migration_operations("documents", "DocumentVersion")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_documents"),
    ]

    operations = [
        migrations.AlterField(
            model_name="documentversion",
            name="snapshot",
            field=civicloop.core.crypto.EncryptedJSONField(verbose_name="data snapshot"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
