"""The declarative base every table derives from, with constraint names that migrate cleanly."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from points.clock import utcnow


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK clause `column in (...)` spelled from the constants the code uses."""
    return f"{column} in ({', '.join(repr(v) for v in values)})"


__all__ = ["Base", "one_of", "utcnow"]
