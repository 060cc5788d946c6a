"""Parties' ID numbers and phones encrypted at rest (core/crypto.py); uniqueness moves to the ID
number's digest. Backwards: decrypted, uniqueness back on the number."""

from django.conf import settings
from django.db import migrations, models

import civicloop.core.crypto
from civicloop.core.crypto import migration_operations

encrypt, decrypt = migration_operations("parties", "Party")


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0001_parties"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="party",
            name="id_number_digest",
            field=civicloop.core.crypto.DigestField(
                normalise="identifier", source="id_number", verbose_name="resident ID number digest"
            ),
        ),
        migrations.AlterField(
            model_name="party",
            name="id_number",
            field=civicloop.core.crypto.EncryptedCharField(
                blank=True,
                help_text="People: the 18-character resident ID number (GB 11643, check digit validated).",
                max_length=18,
                verbose_name="resident ID number",
            ),
        ),
        migrations.AlterField(
            model_name="party",
            name="phone",
            field=civicloop.core.crypto.EncryptedCharField(
                blank=True, max_length=20, verbose_name="phone"
            ),
        ),
        migrations.RunPython(encrypt, decrypt),
        migrations.RemoveConstraint(
            model_name="party",
            name="parties_party_unique_id_number",
        ),
        migrations.AddConstraint(
            model_name="party",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_digest", ""), _negated=True),
                fields=("id_number_digest",),
                name="parties_party_unique_id_number",
            ),
        ),
    ]
