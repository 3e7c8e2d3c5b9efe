"""delegations registered by a focal point; events that accept them

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delegations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('stakeholder_group', sa.String(length=40), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('focal_first_name', sa.String(length=100), nullable=False),
    sa.Column('focal_last_name', sa.String(length=100), nullable=False),
    sa.Column('focal_email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_delegations_event_id_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_delegations_token_hash'))
    )
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegations_event_id'), ['event_id'], unique=False)

    with op.batch_alter_table('registration_policies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepts_delegations', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delegation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_registrations_delegation_id'), ['delegation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_registrations_delegation_id_delegations'), 'delegations',
                                    ['delegation_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registrations_delegation_id_delegations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_registrations_delegation_id'))
        batch_op.drop_column('delegation_id')

    with op.batch_alter_table('registration_policies', schema=None) as batch_op:
        batch_op.drop_column('accepts_delegations')

    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegations_event_id'))

    op.drop_table('delegations')
