"""The WSGI entry point: `gunicorn wsgi:app`."""

from points import create_app

app = create_app()
