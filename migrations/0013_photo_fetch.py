from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0012_share_job_queue')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PhotoFetch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('photo', fields.ForeignKeyField('hub.Photo', source_field='photo_id', db_constraint=True, to_field='id', related_name='fetches', on_delete=OnDelete.CASCADE)),
                ('url', fields.CharField(max_length=1000)),
                ('status', fields.CharField(default='queued', max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.CharField(null=True, max_length=64)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'photo_fetch', 'app': 'hub', 'indexes': [Index(fields=['status', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': "An imported photo's address, for the worker to fetch (`hub.photos.fetch`)."},
            bases=['Model'],
        ),
        # Photos imported before this migration were links to the old app's host: the worker
        # fetches them now, and the widget shows each one once it has files of its own.
        ops.RunSQL(
            "INSERT INTO photo_fetch (photo_id, url, status, attempts, next_attempt_at, last_error, created_at)"
            " SELECT id, source_url, 'queued', 0, CURRENT_TIMESTAMP, '', CURRENT_TIMESTAMP"
            " FROM photo WHERE source_url <> '' AND web_name = '' ORDER BY id",
            reverse_sql="DELETE FROM photo_fetch",
        ),
    ]
