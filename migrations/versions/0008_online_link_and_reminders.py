"""online participation links, reminders before the event

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration_policies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_hours_before', sa.Integer(), nullable=True))
    # Events that already take registrations get the default reminder, two days before.
    op.execute("UPDATE registration_policies SET reminder_hours_before = 48")

    op.create_table('online_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('passcode', sa.String(length=100), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_online_links_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_online_links_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_links')),
    sa.UniqueConstraint('event_id', 'session_id', name=op.f('uq_online_links_event_id_session_id'))
    )
    with op.batch_alter_table('online_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_online_links_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_online_links_session_id'), ['session_id'], unique=False)

    op.create_table('registration_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_registration_reminders_outbox_message_id_outbox_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_reminders_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_reminders')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_registration_reminders_registration_id'))
    )


def downgrade():
    op.drop_table('registration_reminders')
    with op.batch_alter_table('online_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_online_links_session_id'))
        batch_op.drop_index(batch_op.f('ix_online_links_event_id'))
    op.drop_table('online_links')
    with op.batch_alter_table('registration_policies', schema=None) as batch_op:
        batch_op.drop_column('reminder_hours_before')
