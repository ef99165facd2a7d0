from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0016_refunds')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PolicyValue',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('value', fields.TextField(unique=False)),
                ('updated_by', fields.CharField(default='', max_length=254)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'shop_policy', 'app': 'hub', 'pk_attr': 'key', 'table_description': 'One shop-policy setting as changed from the admin, in its variable\'s syntax.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewRescan',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('reason', fields.CharField(default='', max_length=64)),
                ('status', fields.CharField(default='queued', max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.CharField(null=True, max_length=64)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('checked', fields.IntField(default=0)),
                ('total', fields.IntField(default=0)),
                ('held', fields.IntField(default=0)),
                ('masked', fields.IntField(default=0)),
                ('released', fields.IntField(default=0)),
                ('fingerprint', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'review_rescan', 'app': 'hub', 'indexes': [Index(fields=['status', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': 'Stored reviews checked against the word list again, because it (or the action) changed.'},
            bases=['Model'],
        ),
    ]
