from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0023_case_reopens')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Invitation',
            name='promoted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='SurveyResponse',
            name='review_invitation',
            field=fields.ForeignKeyField('hub.Invitation', source_field='review_invitation_id', null=True, db_constraint=True, to_field='id', related_name='survey_responses', on_delete=OnDelete.SET_NULL),
        ),
    ]
