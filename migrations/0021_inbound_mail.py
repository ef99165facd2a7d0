from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0020_outgoing_webhooks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InboundMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('mailbox_key', fields.CharField(unique=True, max_length=255)),
                ('message_id', fields.CharField(default='', db_index=True, max_length=255)),
                ('raw_name', fields.CharField(max_length=80)),
                ('size', fields.IntField(default=0)),
                ('status', fields.CharField(default='received', max_length=16)),
                ('from_address', fields.CharField(default='', max_length=254)),
                ('from_name', fields.CharField(default='', max_length=200)),
                ('subject', fields.CharField(default='', max_length=255)),
                ('text', fields.TextField(default='', unique=False)),
                ('case', fields.ForeignKeyField('hub.Case', source_field='case_id', null=True, db_constraint=True, to_field='id', related_name='inbound_messages', on_delete=OnDelete.SET_NULL)),
                ('matched_by', fields.CharField(default='', max_length=16)),
                ('error', fields.TextField(default='', unique=False)),
                ('processed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'inbound_message', 'app': 'hub', 'indexes': [Index(fields=['processed_at', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InboundAttachment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('inbound', fields.ForeignKeyField('hub.InboundMessage', source_field='inbound_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('filename', fields.CharField(max_length=200)),
                ('content_type', fields.CharField(default='application/octet-stream', max_length=100)),
                ('size', fields.IntField(default=0)),
                ('kind', fields.CharField(max_length=16)),
                ('stored_name', fields.CharField(default='', max_length=80)),
                ('thumb_name', fields.CharField(default='', max_length=80)),
                ('note', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'inbound_attachment', 'app': 'hub', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SuppressedAddress',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('address', fields.CharField(unique=True, max_length=254)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mail_suppressed_address', 'app': 'hub', 'pk_attr': 'id', 'table_description': 'An address the hub no longer mails: it bounced hard (RFC 3463 status 5.x.x).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Case',
            name='kind',
            field=fields.CharField(default='feedback', db_default='feedback', max_length=16),
        ),
    ]
