from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0014_history_rebuild')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StoreReview',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('hub.Customer', source_field='customer_id', null=True, db_constraint=True, to_field='id', related_name='store_reviews', on_delete=OnDelete.SET_NULL)),
                ('rating', fields.SmallIntField()),
                ('title', fields.CharField(default='', max_length=150)),
                ('body', fields.TextField(default='', unique=False)),
                ('display_name', fields.CharField(default='', max_length=80)),
                ('location', fields.CharField(default='', max_length=80)),
                ('status', fields.CharField(default='pending', max_length=16)),
                ('status_reason', fields.CharField(default='', max_length=32)),
                ('verified_buyer', fields.BooleanField(default=False)),
                ('source', fields.CharField(default='import', max_length=16)),
                ('sentiment_label', fields.CharField(default='neutral', max_length=8)),
                ('flagged', fields.BooleanField(default=False)),
                ('flag_reasons', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('reply', fields.TextField(default='', unique=False)),
                ('reply_public', fields.BooleanField(default=True)),
                ('replied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('photo_urls', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('import_key', fields.CharField(null=True, unique=True, max_length=128)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'store_review', 'app': 'hub', 'indexes': [Index(fields=['status', 'published_at']), Index(fields=['customer_id', 'submitted_at'])], 'pk_attr': 'id', 'table_description': 'A review of the store itself rather than of a product, moderated as reviews are.'},
            bases=['Publishable'],
        ),
        ops.AddField(
            model_name='Review',
            name='location',
            field=fields.CharField(default='', db_default='', max_length=80),
        ),
        ops.AddField(
            model_name='Review',
            name='variant',
            field=fields.CharField(default='', db_default='', max_length=100),
        ),
    ]
