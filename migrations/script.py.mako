"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade():
    ${upgrades if upgrades else "pass"}
% if not down_revision:
    # Kept by hand in points/db.py: the triggers that make transfers append-only,
    # and the hash chain's head row.
    from points.db import install_ledger_guards, seed_ledger_head

    install_ledger_guards(op.get_bind())
    seed_ledger_head(op.get_bind())
% endif


def downgrade():
% if not down_revision:
    from points.db import drop_ledger_guards

    drop_ledger_guards(op.get_bind())
% endif
    ${downgrades if downgrades else "pass"}
