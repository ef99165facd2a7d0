from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from decimal import Decimal
import functools
from json import dumps, loads

class Migration(migrations.Migration):
    dependencies = [('hub', '0015_store_reviews')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Order',
            name='refunded_total',
            field=fields.DecimalField(default=Decimal('0'), max_digits=12, decimal_places=2, db_default=Decimal('0')),
        ),
        ops.AddField(
            model_name='OrderLine',
            name='refunded_quantity',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='OrderLine',
            name='refunded_amount',
            field=fields.DecimalField(default=Decimal('0'), max_digits=12, decimal_places=2, db_default=Decimal('0')),
        ),
        ops.CreateModel(
            name='Refund',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('hub.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.CASCADE)),
                ('external_id', fields.CharField(max_length=64)),
                ('refunded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('amount', fields.DecimalField(max_digits=12, decimal_places=2)),
                ('lines', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'order_refund', 'app': 'hub', 'unique_together': (('order_id', 'external_id'),), 'pk_attr': 'id', 'table_description': 'Money given back on an order, as the store reported it, kept by the store\'s id.'},
            bases=['Model'],
        ),
    ]
