"""Anonymous suggestions are released in batches: a `released` flag, no order of arrival.

Suggestions already shown under the old rule (all of a project's, once it had the threshold)
stay shown; the others wait for their batch (see diagnosis.sharing).

Revision ID: 0003
Revises: 0002
"""

import os

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _threshold() -> int:  # as diagnosis.sharing.threshold() read it when they were shown
    raw = os.environ.get("DIAGNOSIS_SUGGESTION_THRESHOLD", "")
    return max(1, int(raw)) if raw.strip().isdigit() else 3


def upgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(sa.Column("released", sa.Boolean, nullable=False, server_default=sa.false()))
    suggestions = sa.table("suggestions", sa.column("project_id", sa.String), sa.column("released", sa.Boolean))
    conn = op.get_bind()
    shown = conn.execute(sa.select(suggestions.c.project_id).group_by(suggestions.c.project_id)
                         .having(sa.func.count() >= _threshold())).scalars().all()
    if shown:
        conn.execute(suggestions.update().where(suggestions.c.project_id.in_(shown)).values(released=True))


def downgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("released")
