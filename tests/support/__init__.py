"""Helpers the tests share: people and logins, points, races, servers and browsers, worlds.

Test modules import from here (`from support.accounts import PASSWORD`); fixtures live in
tests/conftest.py and each folder's conftest.py.
"""
