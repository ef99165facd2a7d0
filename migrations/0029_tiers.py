from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0028_points')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BirthdayReward',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('hub.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='birthday_rewards', on_delete=OnDelete.CASCADE)),
                ('year', fields.SmallIntField()),
                ('points', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'birthday_reward', 'app': 'hub', 'unique_together': (('customer_id', 'year'),), 'pk_attr': 'id', 'table_description': 'The birthday bonus of one customer in one year: at most one (the unique pair).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TierChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('hub.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='tier_changes', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('from_tier', fields.CharField(default='', max_length=32)),
                ('to_tier', fields.CharField(default='', max_length=32)),
                ('direction', fields.SmallIntField()),
                ('mailed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'tier_change', 'app': 'hub', 'unique_together': (('customer_id', 'day'),), 'indexes': [Index(fields=['day', 'direction'])], 'pk_attr': 'id', 'table_description': 'A customer\'s move from one VIP tier to another (``""``: none), one row per customer per day.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TierPass',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('definition', fields.CharField(max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tier_pass', 'app': 'hub', 'unique_together': (('day', 'definition'),), 'pk_attr': 'id', 'table_description': 'The nightly tier pass done for one day and one tier definition (a digest of HUB_TIERS…).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TierWarning',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('hub.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='tier_warnings', on_delete=OnDelete.CASCADE)),
                ('tier', fields.CharField(max_length=32)),
                ('warned_on', fields.DateField()),
                ('drops_on', fields.DateField()),
                ('short_by', fields.DecimalField(max_digits=14, decimal_places=2)),
                ('mailed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'tier_warning', 'app': 'hub', 'unique_together': (('customer_id', 'tier', 'warned_on'),), 'pk_attr': 'id', 'table_description': 'A "spend X more by <date> to keep Gold" mail, at most one per customer and tier a window.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Award',
            name='thanked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='birthday',
            field=fields.CharField(null=True, db_index=True, max_length=5),
        ),
        ops.AddField(
            model_name='Customer',
            name='tier',
            field=fields.CharField(default='', db_index=True, db_default='', max_length=32),
        ),
        ops.AddField(
            model_name='Customer',
            name='tier_since',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
