from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

BATCH = 1000


def _fold(name: str) -> str:
    # The rule of hub.catalog.models.search_text, as of this migration.
    return " ".join(name.casefold().split())[:200]


async def fill_search_names(apps, schema_editor) -> None:
    """Existing customers' folded names, in Python: SQLite's lower() folds ASCII only."""
    client = schema_editor.client
    marker = "$1" if client.capabilities.dialect == "postgres" else "?"
    last = 0
    while True:
        rows = await client.execute_query_dict(
            f"SELECT id, name FROM customer WHERE id > {int(last)} ORDER BY id LIMIT {BATCH}"
        )
        if not rows:
            return
        for row in rows:
            params = [_fold(row["name"] or ""), row["id"]]
            second = "$2" if marker == "$1" else "?"
            await client.execute_query(f"UPDATE customer SET search_name = {marker} WHERE id = {second}", params)
        last = rows[-1]["id"]


class Migration(migrations.Migration):
    dependencies = [('hub', '0021_inbound_mail')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Customer',
            name='search_name',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.RunPython(fill_search_names, reverse_code=ops.RunPython.noop),
        ops.AddIndex(
            model_name='Customer',
            index=Index(fields=['search_name']),
        ),
        ops.AddIndex(
            model_name='Customer',
            index=Index(fields=['unsubscribed_at']),
        ),
        ops.AddIndex(
            model_name='Order',
            index=Index(fields=['external_id']),
        ),
        ops.AddIndex(
            model_name='Question',
            index=Index(fields=['asker_email']),
        ),
        ops.AddIndex(
            model_name='Answer',
            index=Index(fields=['customer_id', 'created_at']),
        ),
        ops.AddIndex(
            model_name='OutboxMessage',
            index=Index(fields=['customer_id', 'created_at']),
        ),
        ops.AddIndex(
            model_name='Photo',
            index=Index(fields=['customer_id', 'created_at']),
        ),
        ops.AddIndex(
            model_name='Case',
            index=Index(fields=['customer_id', 'created_at']),
        ),
        # 0016 rebuilt the orders table on SQLite and its indexes went with it; the
        # customer page and the search read orders by customer. (PostgreSQL has them.)
        ops.RunSQL(
            [
                'CREATE INDEX IF NOT EXISTS "idx_orders_custome_8bf343" ON "orders" ("customer_id", "placed_at")',
                'CREATE INDEX IF NOT EXISTS "idx_orders_placed__857d29" ON "orders" ("placed_at")',
                'CREATE INDEX IF NOT EXISTS "idx_orders_referra_242b0b" ON "orders" ("referral_code")',
            ],
            reverse_sql=ops.RunSQL.noop,
        ),
    ]
