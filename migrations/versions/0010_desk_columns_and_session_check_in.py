"""desk: accent-blind search text on registrations, check-in at sessions

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-06 17:00:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None


_BASE_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i",
                               "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH"})


def _fold(text):
    # The same as eventapp.collation.fold, copied so that the migration keeps working if that changes.
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_BASE_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('session_bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True))

    registrations = sa.table('registrations', sa.column('id', sa.Integer), sa.column('first_name', sa.String),
                             sa.column('last_name', sa.String), sa.column('email', sa.String),
                             sa.column('organisation', sa.String), sa.column('reference', sa.String),
                             sa.column('search_text', sa.Text))
    connection = op.get_bind()
    rows = connection.execute(sa.select(registrations.c.id, registrations.c.first_name, registrations.c.last_name,
                                        registrations.c.email, registrations.c.organisation,
                                        registrations.c.reference)).all()
    for row in rows:
        text = _fold(" ".join(value or "" for value in row[1:]))
        connection.execute(registrations.update().where(registrations.c.id == row.id).values(search_text=text))


def downgrade():
    with op.batch_alter_table('session_bookings', schema=None) as batch_op:
        batch_op.drop_column('checked_in_at')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('search_text')
