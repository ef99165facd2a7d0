from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0025_survey_questions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PoolCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('pool', fields.CharField(max_length=32)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('kind', fields.CharField(default='fixed', max_length=8)),
                ('value', fields.DecimalField(default=0, max_digits=10, decimal_places=2)),
                ('currency', fields.CharField(default='USD', max_length=3)),
                ('minimum_order', fields.DecimalField(default=0, max_digits=10, decimal_places=2)),
                ('issued_to', fields.ForeignKeyField('hub.Customer', source_field='issued_to_id', null=True, db_constraint=True, to_field='id', related_name='pool_codes', on_delete=OnDelete.SET_NULL)),
                ('issued_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(default='', max_length=64)),
                ('uploaded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'pool_code', 'app': 'hub', 'indexes': [Index(fields=['pool', 'issued_at'])], 'pk_attr': 'id', 'table_description': 'One discount code the shop created in its store and uploaded to a pool, issued once.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='PointsEntry',
            name='code',
            field=fields.ForeignKeyField('hub.PoolCode', source_field='code_id', null=True, db_constraint=True, to_field='id', related_name='points_entries', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='PointsEntry',
            name='event_key',
            field=fields.CharField(null=True, unique=True, max_length=96),
        ),
        ops.AddField(
            model_name='PointsEntry',
            name='pending_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='PointsEntry',
            name='source',
            field=fields.CharField(default='', db_default='', max_length=16),
        ),
        ops.AddIndex(
            model_name='PointsEntry',
            index=Index(fields=['pending_until']),
        ),
        ops.AddField(
            model_name='Review',
            name='rewarded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
