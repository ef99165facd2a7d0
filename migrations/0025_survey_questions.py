from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0024_survey_follow_ups')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Survey',
            name='is_public',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Survey',
            name='translations',
            field=fields.JSONField(default=dict, db_default='{}', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='SurveyQuestion',
            name='other_option',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='SurveyQuestion',
            name='show_if_answers',
            field=fields.JSONField(default=list, db_default='[]', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='SurveyQuestion',
            name='show_if_question',
            field=fields.ForeignKeyField('hub.SurveyQuestion', source_field='show_if_question_id', null=True, db_constraint=True, to_field='id', related_name='dependents', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='SurveyQuestion',
            name='translations',
            field=fields.JSONField(default=dict, db_default='{}', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
