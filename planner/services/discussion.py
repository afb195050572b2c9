"""Discussion threads under every event and every group: Markdown posts, replies, edits, tombstones, pages.

A page holds PAGE_SIZE top-level posts (oldest first) with all their replies, so a thread is never
cut in two. Deleting a post leaves a tombstone (no author, no text) that keeps its replies in place.
Posting needs active membership of the group; authors edit and delete their own posts; the
group's organisers and owner may remove any post in it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.errors import N_, NotFound, ServiceError
from planner.extensions import db
from planner.models import Event, Post, User
from planner.schemas import parse, parse_query
from planner.schemas.discussion import PageQuery, PostIn, PostPatch
from planner.services import access, notify
from planner.services.markdown import render_markdown
from planner.times import iso_utc

PAGE_SIZE = 20


def _thread_clause(where: dict):
    """SQL condition selecting one thread's posts."""
    key, value = next(iter(where.items()))
    return getattr(Post, key) == value


def post_dict(post: Post) -> dict:
    """The API's post object; a deleted post shows no author and no text."""
    deleted = post.deleted_at is not None
    author = (
        None if deleted or post.author is None else {"id": post.author.id, "display_name": post.author.display_name}
    )
    return {
        "id": post.id,
        "parent_id": post.parent_id,
        "author": author,
        "body_html": "" if deleted else post.body_html,
        "created_at": iso_utc(post.created_at),
        "edited_at": iso_utc(post.edited_at),
        "deleted": deleted,
    }


def list_posts(kind: str, thread_id: int, user: User | None, page=1) -> dict:
    """{posts: [...], next_page}: one page of top-level posts, each followed by its replies, depth first."""
    page = _page(page)
    _group, where = access.thread_group(kind, thread_id, user)
    roots = list(
        db.session.scalars(
            select(Post)
            .options(joinedload(Post.author))
            .where(_thread_clause(where), Post.parent_id.is_(None))
            .order_by(Post.created_at, Post.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    more = len(roots) > PAGE_SIZE
    roots = roots[:PAGE_SIZE]
    children: dict[int, list[Post]] = {}
    for reply in _replies_under([root.id for root in roots]):
        assert reply.parent_id is not None  # _replies_under reads only posts with a parent
        children.setdefault(reply.parent_id, []).append(reply)
    ordered: list[tuple[Post, int]] = []
    stack = [(root, 0) for root in reversed(roots)]
    while stack:
        post, depth = stack.pop()
        ordered.append((post, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(post.id, [])))
    posts = [{**post_dict(post), "depth": depth} for post, depth in ordered]
    return {"posts": posts, "next_page": page + 1 if more else None}


def _replies_under(root_ids: list[int]) -> list[Post]:
    """Every reply below the given posts, at any depth, oldest first (one recursive query)."""
    if not root_ids:
        return []
    tree = select(Post.id).where(Post.id.in_(root_ids)).cte("tree", recursive=True)
    tree = tree.union_all(select(Post.id).where(Post.parent_id == tree.c.id))
    return list(
        db.session.scalars(
            select(Post)
            .options(joinedload(Post.author))
            .where(Post.id.in_(select(tree.c.id)), Post.parent_id.is_not(None))
            .order_by(Post.created_at, Post.id)
        )
    )


def _page(value) -> int:
    """A page number from 1 (PageQuery); 400 otherwise."""
    return parse_query(PageQuery, {} if value is None else {"page": value}).page


def _body(value) -> tuple[str, str]:
    """(Markdown, sanitised HTML) of a post body (PostPatch)."""
    body_md = parse(PostPatch, {"body": value}).body
    return body_md, render_markdown(body_md)


def create_post(kind: str, thread_id: int, user: User | None, body, parent_id=None) -> Post:
    """A new post or reply on a thread; active members of the group only."""
    access.require_user(user)
    group, where = access.thread_group(kind, thread_id, user)
    user = access.require_member(group, user)
    fields = parse(PostIn, {"body": body, "parent_id": parent_id})
    body_md, body_html = fields.body, render_markdown(fields.body)
    parent = _parent(where, fields.parent_id)
    post = Post(author_id=user.id, parent_id=parent, body_md=body_md, body_html=body_html, **where)
    db.session.add(post)
    db.session.flush()
    parent_author = db.session.scalar(select(Post.author_id).where(Post.id == parent)) if parent else None
    event = db.session.get(Event, where["event_id"]) if "event_id" in where else None
    thread = event.title if event is not None else group.name
    notify.post_created(post, user, thread, parent_author)
    db.session.commit()
    return post


def _parent(where: dict, post_id: int | None) -> int | None:
    """The id of the post replied to, checked to be on the same thread."""
    if post_id is None:
        return None
    if db.session.scalar(select(Post.id).where(Post.id == post_id, _thread_clause(where))) is None:
        raise ServiceError("invalid_parent", N_("Reply to a post on the same thread."), "parent_id")
    return post_id


def edit_post(post_id: int, user: User | None, body) -> Post:
    """Change a post's text (its author only); it is then marked edited."""
    post = access.authored_post(post_id, user)
    post.body_md, post.body_html = _body(body)
    post.edited_at = datetime.now(UTC)
    db.session.commit()
    return post


def editable_body(post_id: int, user: User | None) -> str:
    """The Markdown of a post for its author to edit; 403 for anyone else."""
    return access.authored_post(post_id, user).body_md


def delete_post(post_id: int, user: User | None) -> None:
    """Replace a post by a tombstone: its author, or an organiser or the owner of the group."""
    post = access.removable_post(post_id, user)
    post.deleted_at = datetime.now(UTC)
    post.body_md, post.body_html = "", ""
    db.session.commit()


def thread_of(post_id: int) -> tuple[str, int]:
    """("event"|"group", id) of the thread a post is on; 404 when there is no such post."""
    post = access.get_row(Post, post_id)
    if post is None:
        raise NotFound("not_found", N_("No such post."))
    return ("event", post.event_id) if post.event_id else ("group", post.group_id)
