from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0003_index_case_counts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OutboxMessage',
            name='delivery_started_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
