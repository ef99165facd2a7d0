from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0025_survey_questions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SurveyRollup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('survey', fields.ForeignKeyField('hub.Survey', source_field='survey_id', db_constraint=True, to_field='id', related_name='rollups', on_delete=OnDelete.CASCADE)),
                ('question_id', fields.IntField()),
                ('month', fields.CharField(max_length=7)),
                ('segment', fields.CharField(max_length=16)),
                ('value', fields.CharField(max_length=64)),
                ('answer', fields.CharField(max_length=120)),
                ('topic', fields.CharField(max_length=32)),
                ('answers', fields.IntField(default=0)),
                ('total', fields.BigIntField(default=0)),
                ('squares', fields.BigIntField(default=0)),
            ],
            options={'table': 'survey_rollup', 'app': 'hub', 'unique_together': (('survey_id', 'segment', 'value', 'question_id', 'month', 'answer', 'topic'),), 'indexes': [Index(fields=['survey_id', 'question_id', 'segment', 'value'])], 'pk_attr': 'id', 'table_description': "Running totals of a survey's answers, kept by `hub.surveys.rollup` as responses are stored."},
            bases=['Model'],
        ),
    ]
