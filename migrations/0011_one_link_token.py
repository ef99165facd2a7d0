from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0010_confirm_askers')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LinkToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('purpose', fields.CharField(max_length=16)),
                ('customer', fields.ForeignKeyField('hub.Customer', source_field='customer_id', null=True, db_constraint=True, to_field='id', related_name='link_tokens', on_delete=OnDelete.CASCADE)),
                ('order', fields.ForeignKeyField('hub.Order', source_field='order_id', null=True, db_constraint=True, to_field='id', related_name='link_tokens', on_delete=OnDelete.CASCADE)),
                ('invitation', fields.ForeignKeyField('hub.Invitation', source_field='invitation_id', null=True, db_constraint=True, to_field='id', related_name='link_tokens', on_delete=OnDelete.CASCADE)),
                ('subject_type', fields.CharField(default='', max_length=16)),
                ('subject_id', fields.IntField(null=True)),
                ('uploads', fields.SmallIntField(default=0, db_default=0)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'link_token', 'app': 'hub', 'indexes': [Index(fields=['subject_type', 'subject_id', 'purpose']), Index(fields=['customer_id', 'purpose'])], 'pk_attr': 'id', 'table_description': 'The token of a mailed link, stored only as its SHA-256 hash.'},
            bases=['Model'],
        ),
        # Links already mailed keep working until their expiry: the same hashes, in the new table.
        # Photo links are now "photo_share"; a case's survey link (recovery) is now "follow_up".
        ops.RunSQL(
            "INSERT INTO link_token (token_hash, purpose, customer_id, order_id, invitation_id,"
            " subject_type, subject_id, uploads, expires_at, used_at, revoked_at, created_at)"
            " SELECT token_hash, CASE"
            " WHEN purpose = 'photo' THEN 'photo_share'"
            " WHEN purpose = 'survey' AND subject_type = 'case' THEN 'follow_up'"
            " ELSE purpose END,"
            " customer_id, order_id, invitation_id, subject_type, subject_id, uploads,"
            " expires_at, used_at, NULL, created_at"
            " FROM access_token ORDER BY id",
            reverse_sql="INSERT INTO access_token (token_hash, purpose, customer_id, order_id, invitation_id,"
            " subject_type, subject_id, uploads, expires_at, used_at, created_at)"
            " SELECT token_hash, CASE purpose WHEN 'photo_share' THEN 'photo' WHEN 'follow_up' THEN 'survey'"
            " ELSE purpose END,"
            " customer_id, order_id, invitation_id, subject_type, subject_id, uploads, expires_at, used_at, created_at"
            " FROM link_token WHERE purpose NOT IN ('profile', 'unsubscribe') AND revoked_at IS NULL ORDER BY id",
        ),
        ops.DeleteModel(name='AccessToken'),
    ]
