from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0019_assignment')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WebhookEndpoint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=120)),
                ('url', fields.CharField(max_length=1000)),
                ('kind', fields.CharField(default='standard', max_length=16)),
                ('events', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('secret', fields.TextField(default='', unique=False)),
                ('source', fields.CharField(default='admin', max_length=16)),
                ('paused_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('paused_reason', fields.CharField(default='', max_length=200)),
                ('failures_in_row', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_endpoint', 'app': 'hub', 'pk_attr': 'id', 'table_description': 'An address the hub posts events to, with the events it wants and its signing secret.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('endpoint', fields.ForeignKeyField('hub.WebhookEndpoint', source_field='endpoint_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('event', fields.CharField(max_length=48)),
                ('message_id', fields.CharField(max_length=40)),
                ('payload', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharField(default='queued', max_length=16)),
                ('attempts', fields.SmallIntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.CharField(null=True, max_length=64)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('response_status', fields.SmallIntField(null=True)),
                ('response_ms', fields.IntField(null=True)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'hub', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['endpoint_id', 'id'])], 'pk_attr': 'id', 'table_description': "One event for one endpoint: posted by the worker, retried with the queue's back-off."},
            bases=['Model'],
        ),
        ops.DeleteModel(name='WebhookEvent'),
    ]
