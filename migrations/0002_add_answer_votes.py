from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0001_create_schema')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AnswerVote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('answer', fields.ForeignKeyField('hub.Answer', source_field='answer_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('voter_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'answer_vote', 'app': 'hub', 'unique_together': (('answer_id', 'voter_hash'),), 'pk_attr': 'id', 'table_description': 'One "helpful" vote per browser and answer: only a salted hash of the browser\'s id.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Question',
            name='buyers_asked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
