"""The HTTP edge both doors share: domain errors → JSON or a page (errors), the input
boundary and safe redirects (boundary), security headers and cookies (protection), guessing
limits (guards), a code's URL and QR and the scan limits (scanning).

It lives under points/web/ because it is web glue, like the pages; the API imports it but no
page module, and it imports neither door (tests/unit/test_import_walk.py).
"""
