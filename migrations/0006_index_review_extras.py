from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0005_track_case_breach')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Photo',
            index=Index(fields=['review_id', 'status']),
        ),
        ops.AddIndex(
            model_name='Reply',
            index=Index(fields=['review_id', 'is_public']),
        ),
    ]
