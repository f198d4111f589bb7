"""One paging helper: a slice of an ordered query and the total that matches."""

from __future__ import annotations

from sqlalchemy import create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from chuanyu.core.pagination import fetch_page


class _Base(DeclarativeBase):
    pass


class Row(_Base):
    __tablename__ = "row"
    id: Mapped[int] = mapped_column(primary_key=True)
    even: Mapped[bool]


def test_page_is_the_slice_and_total_counts_every_match() -> None:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(Row(id=i, even=i % 2 == 0) for i in range(1, 26))
        session.flush()
        query = select(Row).where(Row.even).order_by(Row.id.desc())
        rows, total = fetch_page(session=session, query=query, limit=5, offset=5)
        assert total == 12
        assert [r.id for r in rows] == [14, 12, 10, 8, 6]
        rows, total = fetch_page(session=session, query=query, limit=5, offset=20)
        assert (rows, total) == ([], 12)
