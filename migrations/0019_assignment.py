from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0018_import_jobs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AssignmentRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('position', fields.IntField(default=0)),
                ('name', fields.CharField(max_length=120)),
                ('product', fields.CharField(default='', max_length=64)),
                ('reason', fields.CharField(default='', max_length=32)),
                ('priority', fields.CharField(default='', max_length=8)),
                ('agent', fields.ForeignKeyField('hub.StaffUser', source_field='agent_id', null=True, db_constraint=True, to_field='id', related_name='assignment_rules', on_delete=OnDelete.SET_NULL)),
                ('group', fields.CharField(default='', max_length=64)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'triage_assignment_rule', 'app': 'hub', 'pk_attr': 'id', 'table_description': 'Route matching cases to one agent or a group. Rules are tried by ``position``, first match wins.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AssignmentTurn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('pool', fields.CharField(unique=True, max_length=80)),
                ('last_agent_id', fields.IntField(default=0)),
                ('turn', fields.BigIntField(default=0)),
            ],
            options={'table': 'triage_assignment_turn', 'app': 'hub', 'pk_attr': 'id', 'table_description': 'Whose turn it is in one pool of agents, shared by every process (round robin).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='StaffUser',
            name='away_since',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='StaffUser',
            name='groups',
            field=fields.CharField(default='', db_default='', max_length=255),
        ),
    ]
