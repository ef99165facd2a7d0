from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0008_widen_referral_code')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RecoveryCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('hub.StaffUser', source_field='user_id', db_constraint=True, to_field='id', related_name='recovery_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(max_length=64)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_recovery_code', 'app': 'hub', 'unique_together': (('user_id', 'code_hash'),), 'pk_attr': 'id', 'table_description': 'A single-use second factor for a lost phone, stored as its SHA-256 hash.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('require_two_factor', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'staff_policy', 'app': 'hub', 'pk_attr': 'id', 'table_description': "The admin's rules for staff accounts: one row, edited in /admin/staff, audited."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('hub.StaffUser', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ip', fields.CharField(default='', max_length=64)),
                ('user_agent', fields.CharField(default='', max_length=120)),
                ('needs_two_factor', fields.BooleanField(default=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('end_reason', fields.CharField(default='', max_length=32)),
            ],
            options={'table': 'staff_session', 'app': 'hub', 'indexes': [Index(fields=['user_id', 'ended_at'])], 'pk_attr': 'id', 'table_description': 'One signed-in browser: the cookie holds a random key, this row only its hash.'},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='LoginFailure',
            options={'table': 'staff_login_failure', 'app': 'hub', 'pk_attr': 'id', 'table_description': 'Failed sign-ins per (account, address) pair and per address (hub.staff.lockout).'},
        ),
        ops.AddField(
            model_name='StaffUser',
            name='invited_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='StaffUser',
            name='totp_last_step',
            field=fields.BigIntField(default=0),
        ),
        ops.AddField(
            model_name='StaffUser',
            name='totp_secret',
            field=fields.CharField(default='', max_length=255),
        ),
        ops.AddField(
            model_name='StaffUser',
            name='two_factor_since',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RemoveField(model_name='StaffUser', name='session_version'),
    ]
