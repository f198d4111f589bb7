"""Helpers shared by CLI commands: pick a member, open its node, open a session."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from chuanyu.core.config import get_settings
from chuanyu.core.db import read_scope, write_scope
from chuanyu.node import Node, open_node

MemberOption = Annotated[str, typer.Option("--member", "-m", help="Region node: CQ or SC",
                                           envvar="CHUANYU_MEMBER")]


def open_cli_node(member: str) -> Node:
    """Open (and migrate) a member's node from the environment's settings."""
    return open_node(get_settings().for_member(member))


@contextlib.contextmanager
def node_session(member: str, *, write: bool = True) -> Iterator[tuple[Node, Session]]:
    """A node and the command's unit of work: a write session that commits when the block
    succeeds, or with `write=False` a read session."""
    node = open_cli_node(member)
    scope = write_scope if write else read_scope
    try:
        with scope(node) as session:
            yield node, session
    finally:
        node.close()
