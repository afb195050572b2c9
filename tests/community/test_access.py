"""access.viewer: memberships read once per transaction, and a membership changed in a request seen by later checks."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, text

from planner.extensions import db
from planner.services import access, groups


@contextmanager
def membership_reads(conn):
    """A list that collects the statements reading memberships that conn runs inside the block."""
    seen: list[str] = []

    def hook(_conn, _cursor, statement, _params, _context, _many):
        if "FROM memberships" in statement:
            seen.append(statement)

    event.listen(conn, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(conn, "before_cursor_execute", hook)


class TestViewer:
    def test_it_reads_the_memberships_once_per_transaction(self, cast, db_conn):
        with membership_reads(db_conn) as seen:
            for _ in range(3):
                assert access.is_staff(cast.group.id, cast.organiser)
                assert access.viewer(cast.organiser).my_role(cast.group.id) == "organiser"
        assert len(seen) == 1

    def test_an_anonymous_viewer_reads_nothing(self, cast, db_conn):
        with membership_reads(db_conn) as seen:
            assert access.viewer(None).memberships == {}
            assert not access.is_member(cast.group.id, None)
        assert seen == []

    def test_a_membership_flushed_in_the_transaction_is_seen(self, cast):
        assert not access.is_member(cast.group.id, cast.outsider)
        groups.ensure_member(cast.group, cast.outsider)
        db.session.flush()
        assert access.is_member(cast.group.id, cast.outsider)

    def test_leaving_is_seen_at_once(self, cast):
        assert access.is_member(cast.group.id, cast.member)
        groups.leave(cast.group.id, cast.member)
        assert not access.is_member(cast.group.id, cast.member)

    def test_the_end_of_the_transaction_forgets_what_was_read(self, cast):
        assert not access.is_staff(cast.group.id, cast.member)
        db.session.execute(
            text("UPDATE memberships SET role = 'organiser' WHERE group_id = :g AND user_id = :u"),
            {"g": cast.group.id, "u": cast.member.id},
        )
        assert not access.is_staff(cast.group.id, cast.member)  # kept for the transaction
        db.session.commit()
        assert access.is_staff(cast.group.id, cast.member)

    def test_a_pending_request_is_no_membership(self, private_cast):
        groups.join(private_cast.group.id, private_cast.outsider)
        viewer = access.viewer(private_cast.outsider)
        assert viewer.my_role(private_cast.group.id) == "pending"
        assert not viewer.is_member(private_cast.group.id)
