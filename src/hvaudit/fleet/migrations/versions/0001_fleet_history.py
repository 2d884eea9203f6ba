"""Fleet history: runs, one scan per host and run, and per scan its recommendation postures and
check counts.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("started_at", sa.String(32), nullable=False, index=True),
        sa.Column("finished_at", sa.String(32), nullable=True),
        sa.Column("inventory", sa.Text, nullable=False),
        sa.Column("profile", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("targets", sa.Integer, nullable=False),
    )
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.String(32), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("host", sa.String(128), nullable=False),
        sa.Column("host_group", sa.String(128), nullable=False),
        sa.Column("zone", sa.String(128), nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("exit_code", sa.Integer, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("by_status", sa.Text, nullable=False),
        sa.UniqueConstraint("run_id", "host", name="uq_scans_run_host"),
    )
    op.create_index("ix_scans_host", "scans", ["host"])
    op.create_table(
        "scan_recs",
        sa.Column(
            "scan_id", sa.Integer, sa.ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("edition", sa.String(40), primary_key=True),
        sa.Column("rec_id", sa.String(40), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
    )
    op.create_table(
        "scan_checks",
        sa.Column(
            "scan_id", sa.Integer, sa.ForeignKey("scans.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("check_id", sa.String(20), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("subjects", sa.Integer, nullable=False),
        sa.Column("fail", sa.Integer, nullable=False),
        sa.Column("worst", sa.String(20), nullable=False),
        sa.Column("host_status", sa.String(20), nullable=True),
        sa.Column("host_message", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("scan_checks")
    op.drop_table("scan_recs")
    op.drop_index("ix_scans_host", table_name="scans")
    op.drop_table("scans")
    op.drop_table("runs")
