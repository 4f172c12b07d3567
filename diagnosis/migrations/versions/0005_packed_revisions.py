"""Revisions are kept packed (diagnosis.store.packing): zstd, most as a delta to a snapshot.

`packed` holds the compressed JSON and `snapshot` the revision whose JSON is the delta's
dictionary (empty for a snapshot). Revisions stored before keep their JSON text in `content`
and are read as they are; nothing is rewritten here.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("packed", sa.LargeBinary, nullable=True))
        batch.add_column(sa.Column("snapshot", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("snapshot")
        batch.drop_column("packed")
