from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0006_index_review_extras')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AccessToken',
            name='uploads',
            field=fields.SmallIntField(default=0, db_default=0),
        ),
        ops.AddIndex(
            model_name='Photo',
            index=Index(fields=['web_name']),
        ),
        ops.AddIndex(
            model_name='Photo',
            index=Index(fields=['thumb_name']),
        ),
    ]
