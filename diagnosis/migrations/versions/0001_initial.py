"""The store as it was before migrations: projects and their revisions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    # a SQLite store made by the program before migrations already has these tables: keep them
    if "projects" not in existing:
        op.create_table(
            "projects",
            sa.Column("id", sa.String(64), primary_key=True),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("questionnaire_id", sa.String(64), nullable=False),
            sa.Column("revision", sa.Integer, nullable=False),
            sa.Column("created", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
            sa.Column("deleted", sa.Boolean, nullable=False),
        )
    if "revisions" not in existing:
        op.create_table(
            "revisions",
            sa.Column("project_id", sa.String(64), sa.ForeignKey("projects.id"), primary_key=True),
            sa.Column("number", sa.Integer, primary_key=True),
            sa.Column("saved", sa.DateTime(timezone=True), nullable=False),
            sa.Column("author", sa.String(200), nullable=False),
            sa.Column("description", sa.String(500), nullable=False),
            sa.Column("content", sa.Text, nullable=False),
        )


def downgrade() -> None:
    op.drop_table("revisions")
    op.drop_table("projects")
