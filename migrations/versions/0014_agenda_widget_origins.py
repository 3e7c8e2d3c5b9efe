"""websites allowed to frame an event's agenda widget

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-06 17:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('embed_origins', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('embed_origins')
