"""Threads under events and groups: sanitised Markdown, replies, edits, tombstones, moderation, pages."""

import pytest

from planner.errors import Forbidden, NotFound, ServiceError
from planner.services import discussion
from tests import factories
from tests.community.conftest import bearer

HOSTILE = (
    "<script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3)) "
    '<a href="https://example.org" onclick="alert(4)">site</a> [ok](https://example.org/x)'
)


class TestCreatePost:
    def test_markdown_is_rendered_and_sanitised(self, cast):
        post = discussion.create_post("group", cast.group.id, cast.member, "**Bold** " + HOSTILE)
        html = post.body_html
        assert "<strong>Bold</strong>" in html
        for bad in ("<script", "onerror", "onclick", "javascript:", "<img"):
            assert bad not in html
        assert 'href="https://example.org/x"' in html and 'rel="nofollow noopener noreferrer"' in html

    def test_non_members_may_not_post(self, cast):
        with pytest.raises(Forbidden):
            discussion.create_post("group", cast.group.id, cast.outsider, "Hello")

    def test_a_reply_must_be_on_the_same_thread(self, cast):
        event = factories.event(cast.group)
        elsewhere = discussion.create_post("group", cast.group.id, cast.member, "Group post")
        with pytest.raises(ServiceError) as error:
            discussion.create_post("event", event.id, cast.member, "Reply", parent_id=elsewhere.id)
        assert error.value.field == "parent_id"

    def test_an_empty_body_is_refused(self, cast):
        with pytest.raises(ServiceError):
            discussion.create_post("group", cast.group.id, cast.member, "   ")


class TestListPosts:
    def test_replies_follow_their_parent_depth_first(self, cast):
        event = factories.event(cast.group)
        first = discussion.create_post("event", event.id, cast.member, "First")
        second = discussion.create_post("event", event.id, cast.owner, "Second")
        reply = discussion.create_post("event", event.id, cast.organiser, "Re first", parent_id=first.id)
        nested = discussion.create_post("event", event.id, cast.member, "Re re", parent_id=reply.id)
        posts = discussion.list_posts("event", event.id, cast.member)["posts"]
        assert [(p["id"], p["depth"]) for p in posts] == [(first.id, 0), (reply.id, 1), (nested.id, 2), (second.id, 0)]

    def test_pages_hold_whole_threads(self, cast, monkeypatch):
        monkeypatch.setattr(discussion, "PAGE_SIZE", 2)
        roots = [discussion.create_post("group", cast.group.id, cast.member, f"Root {i}") for i in range(3)]
        reply = discussion.create_post("group", cast.group.id, cast.owner, "Reply", parent_id=roots[1].id)
        page1 = discussion.list_posts("group", cast.group.id, cast.member, 1)
        page2 = discussion.list_posts("group", cast.group.id, cast.member, "2")
        assert [p["id"] for p in page1["posts"]] == [roots[0].id, roots[1].id, reply.id]
        assert page1["next_page"] == 2
        assert [p["id"] for p in page2["posts"]] == [roots[2].id] and page2["next_page"] is None

    def test_private_threads_are_404_to_outsiders(self, private_cast):
        with pytest.raises(NotFound):
            discussion.list_posts("group", private_cast.group.id, private_cast.outsider)

    def test_a_bad_page_is_400(self, cast):
        with pytest.raises(ServiceError):
            discussion.list_posts("group", cast.group.id, None, "zero")


class TestEditPost:
    def test_the_author_edits_and_the_post_is_marked_edited(self, cast):
        post = discussion.create_post("group", cast.group.id, cast.member, "Old")
        discussion.edit_post(post.id, cast.member, "*New*")
        shown = discussion.post_dict(post)
        assert shown["edited_at"] is not None and "<em>New</em>" in shown["body_html"]

    def test_no_one_else_edits_not_even_the_owner(self, cast):
        post = discussion.create_post("group", cast.group.id, cast.member, "Mine")
        with pytest.raises(Forbidden):
            discussion.edit_post(post.id, cast.owner, "Changed")


class TestDeletePost:
    def test_a_tombstone_keeps_the_replies(self, cast):
        root = discussion.create_post("group", cast.group.id, cast.member, "Root")
        reply = discussion.create_post("group", cast.group.id, cast.owner, "Reply", parent_id=root.id)
        discussion.delete_post(root.id, cast.member)
        posts = discussion.list_posts("group", cast.group.id, cast.member)["posts"]
        assert [(p["id"], p["deleted"], p["author"], p["body_html"]) for p in posts[:1]] == [(root.id, True, None, "")]
        assert posts[1]["id"] == reply.id and posts[1]["body_html"] == "<p>Reply</p>"

    def test_organisers_remove_posts_in_their_group_members_do_not(self, cast):
        post = discussion.create_post("group", cast.group.id, cast.member, "Spam")
        other = factories.user()
        from tests.community.conftest import add_member

        add_member(cast.group, other)
        with pytest.raises(Forbidden):
            discussion.delete_post(post.id, other)
        discussion.delete_post(post.id, cast.organiser)
        with pytest.raises(NotFound):
            discussion.delete_post(post.id, cast.organiser)


class TestPostsApi:
    def test_the_contract_shape(self, client, cast):
        event = factories.event(cast.group)
        url = f"/api/v1/events/{event.id}/posts"
        created = client.post(url, json={"body": "Hi"}, headers=bearer(cast.member))
        assert created.status_code == 201
        page = client.get(url).get_json()
        assert set(page) == {"posts", "next_page"}
        post = page["posts"][0]
        assert {"id", "parent_id", "author", "body_html", "created_at", "edited_at"} <= set(post)
        assert post["author"] == {"id": cast.member.id, "display_name": "Mia"}
        assert post["created_at"].endswith("Z")
        assert client.delete(f"/api/v1/posts/{post['id']}", headers=bearer(cast.member)).status_code == 204
