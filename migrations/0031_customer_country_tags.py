from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0030_referrals_winback')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Customer',
            name='country',
            field=fields.CharField(default='', db_default='', max_length=2),
        ),
        ops.AddField(
            model_name='Customer',
            name='tags',
            field=fields.CharField(default='', db_default='', max_length=1000),
        ),
    ]
