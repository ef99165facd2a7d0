from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0029_tiers')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CoPurchase',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product_id', fields.IntField()),
                ('next_product_id', fields.IntField()),
                ('customers', fields.IntField()),
                ('built_on', fields.DateField()),
            ],
            options={'table': 'co_purchase', 'app': 'hub', 'unique_together': (('product_id', 'next_product_id'),), 'pk_attr': 'id', 'table_description': 'How many customers who bought ``product`` went on to buy ``next_product`` in a later'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReferralWelcome',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.ForeignKeyField('hub.ReferralCode', source_field='code_id', db_constraint=True, to_field='id', related_name='welcomes', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('offer_code', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'referral_welcome', 'app': 'hub', 'pk_attr': 'id', 'table_description': 'The welcome code a referred friend claimed on the referral page: one per address.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Order',
            name='discount_codes',
            field=fields.JSONField(default=list, db_default='[]', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Order',
            name='phone_key',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='Order',
            name='shipping_key',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='Referral',
            name='decided_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Referral',
            name='decided_by',
            field=fields.ForeignKeyField('hub.StaffUser', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='referrals_decided', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Referral',
            name='reasons',
            field=fields.JSONField(default=list, db_default='[]', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Referral',
            name='reward_code',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='Referral',
            name='rewarded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='WinBack',
            name='ends_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='WinBack',
            name='holdout',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='WinBack',
            name='products',
            field=fields.JSONField(default=list, db_default='[]', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
