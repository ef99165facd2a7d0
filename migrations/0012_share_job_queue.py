from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0011_one_link_token')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Invitation',
            name='attempts',
            field=fields.SmallIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Invitation',
            name='next_attempt_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Invitation',
            name='last_error',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='WebhookEvent',
            name='claimed_by',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='WebhookEvent',
            name='claimed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
