"""The Flask application: staff console and JSON API."""

from kitapbridge.web.app import close_app as close_app
from kitapbridge.web.app import create_app as create_app
