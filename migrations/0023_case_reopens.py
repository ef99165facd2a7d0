from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0022_customer_search')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Case',
            name='reopen_count',
            field=fields.SmallIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Case',
            name='reopened_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
