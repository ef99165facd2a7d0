from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0002_add_answer_votes')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['status', 'priority']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['status', 'product_id']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['status', 'assignee_id']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['status', 'reasons']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['status', 'first_response_at', 'first_response_due_at']),
        ),
    ]
