from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0004_add_delivery_started')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='Case',
            name=None,
            fields=['status', 'resolution_due_at'],
        ),
        ops.RemoveIndex(
            model_name='Case',
            name=None,
            fields=['assignee_id', 'status', 'resolution_due_at'],
        ),
        ops.RemoveIndex(
            model_name='Case',
            name=None,
            fields=['status', 'first_response_at', 'first_response_due_at'],
        ),
        ops.AddField(
            model_name='Case',
            name='breach_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        # Existing cases: the same rule as Case.next_breach, in SQL both databases speak.
        ops.RunSQL(
            "UPDATE triage_case SET breach_at = CASE"
            " WHEN first_response_at IS NULL AND first_response_due_at < resolution_due_at"
            " THEN first_response_due_at ELSE resolution_due_at END",
            reverse_sql="UPDATE triage_case SET breach_at = NULL",
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['status', 'breach_at', 'priority', 'assignee_id', 'product_id', 'reasons']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['assignee_id', 'status', 'breach_at']),
        ),
    ]
