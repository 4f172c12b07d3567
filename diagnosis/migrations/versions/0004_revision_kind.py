"""Revisions get a typed `kind` (diagnosis.store.revisions.RevisionKind).

Revisions stored before get theirs once, here, from their description as the program wrote
it in either language ("undo revision 3: …", "撤销：…", "添加原因：…", "Add cause: …"); a
description none of the rules knows is an "edit". The rules are a copy of the descriptions as
they were written up to this migration: later programs store the kind as they save.

Revision ID: 0004
Revises: 0003
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (kind, a pattern at the start of the description, either language), the first match wins
RULES = [
    ("undo", r"undo revision |undo: |撤销："),
    ("restore", r"restore revision "),
    ("merge", r"conflict on "),
    ("import", r"uploaded |replaced by uploaded "),
    ("create", r"created$|created from |demo project$"),
    ("answer", r"answer "),
    ("cause", r"participant: |添加原因|add cause|修改原因|edit cause|移动原因|move cause|嵌套原因|nest cause|取消嵌套|un-nest cause"
              r"|删除原因|delete cause|粘贴 |paste |修改问题描述|edit the problem|揭晓票数|reveal the vote|隐藏票数|hide the vote"
              r"|确认 \d+ 个根本原因|confirm \d+ root cause|撤回根本原因|withdraw the root-cause|.* (投票|收回一票|votes|withdraws a vote)$"),
    ("plan", r"新增措施|added measure|修改措施|edited measure|删除措施|deleted measure"),
    ("checkin", r"跟进|修改跟进|删除跟进|check-in|corrected check-in|deleted check-in"),
    ("evaluation", r"录入评估值|evaluation value|结束第 \d+ 轮|closed cycle "),
    ("data", r"基线：|baseline: |原因数值来自工单数据|cause values from ticket data|第 \S+ 个月检查点|checkpoint month "
             r"|导入参照期|reference period import|导入工单数据|ticket data import|添加指标口径|metric definition added"),
]
_RULES = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in RULES]


def infer(description: str) -> str:
    text = (description or "").strip()
    return next((kind for kind, pattern in _RULES if pattern.match(text)), "edit")


def upgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="edit"))
    revisions = sa.table("revisions", sa.column("project_id", sa.String), sa.column("number", sa.Integer),
                         sa.column("description", sa.String), sa.column("kind", sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(revisions.c.project_id, revisions.c.number, revisions.c.description)).all()
    found = [{"p": r.project_id, "n": r.number, "k": infer(r.description)} for r in rows]
    found = [f for f in found if f["k"] != "edit"]
    if found:
        conn.execute(revisions.update().where(revisions.c.project_id == sa.bindparam("p"), revisions.c.number == sa.bindparam("n"))
                     .values(kind=sa.bindparam("k")), found)


def downgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("kind")
