"""The Flask application: staff console and JSON API."""
