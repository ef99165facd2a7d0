from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0007_limit_photo_uploads')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Order',
            name='referral_code',
            field=fields.CharField(null=True, db_index=True, max_length=255),
        ),
    ]
