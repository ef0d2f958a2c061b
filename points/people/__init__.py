"""The people of the scheme: registering them, the roster, CSV import, passwords, cards, notices.

The public face is the registry (`registry`); the other rooms are imported by name.
"""

from points.people.registry import (
    PHONE_RE,
    ROLES,
    NewPerson,
    add_person,
    authenticate,
    clean_name,
    create_person,
    find_person,
    get_person,
    household,
    normalise_phone,
    person_for,
)

__all__ = [
    "PHONE_RE",
    "ROLES",
    "NewPerson",
    "add_person",
    "authenticate",
    "clean_name",
    "create_person",
    "find_person",
    "get_person",
    "household",
    "normalise_phone",
    "person_for",
]
