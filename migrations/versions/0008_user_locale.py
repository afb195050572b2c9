"""users.locale: the language a person chose in the header's switcher (Babel's names; NULL: the browser's).

Revision ID: 0008_user_locale
Revises: 0007_word_search
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_user_locale"
down_revision = "0007_word_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("locale", sa.String(length=16), nullable=True))
    op.create_check_constraint("ck_users_locale_known", "users", "locale IN ('en', 'zh_Hans')")


def downgrade() -> None:
    op.drop_constraint("ck_users_locale_known", "users", type_="check")
    op.drop_column("users", "locale")
