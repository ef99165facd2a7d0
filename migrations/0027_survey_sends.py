from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0026_survey_rollups')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SurveySend',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('survey', fields.ForeignKeyField('hub.Survey', source_field='survey_id', db_constraint=True, to_field='id', related_name='sends', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=16)),
                ('segment', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('every', fields.SmallIntField(null=True)),
                ('unit', fields.CharField(default='', max_length=8)),
                ('event', fields.CharField(default='', max_length=16)),
                ('event_delay_days', fields.SmallIntField(default=0)),
                ('reminder_days', fields.SmallIntField(null=True)),
                ('status', fields.CharField(db_index=True, max_length=16)),
                ('next_run_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('round', fields.IntField(default=0)),
                ('cursor', fields.IntField(default=0)),
                ('watched_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('hub.StaffUser', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='survey_sends', on_delete=OnDelete.SET_NULL)),
                ('claimed_by', fields.CharField(null=True, max_length=64)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.SmallIntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'survey_send', 'app': 'hub', 'pk_attr': 'id', 'table_description': 'One way a survey reaches customers, claimed by the worker (``hub.queue``) to expand a round.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyDelivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('send', fields.ForeignKeyField('hub.SurveySend', source_field='send_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('hub.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='survey_deliveries', on_delete=OnDelete.CASCADE)),
                ('order', fields.ForeignKeyField('hub.Order', source_field='order_id', null=True, db_constraint=True, to_field='id', related_name='survey_deliveries', on_delete=OnDelete.SET_NULL)),
                ('occasion', fields.CharField(max_length=40)),
                ('status', fields.CharField(default='queued', max_length=8)),
                ('skip_reason', fields.CharField(default='', max_length=16)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('remind_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('handled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey_delivery', 'app': 'hub', 'unique_together': (('send_id', 'customer_id', 'occasion'),), 'indexes': [Index(fields=['status', 'due_at']), Index(fields=['remind_at']), Index(fields=['customer_id', 'sent_at'])], 'pk_attr': 'id', 'table_description': 'The survey mailed (or skipped) to one customer, once per (send, customer, occasion).'},
            bases=['Model'],
        ),
    ]
