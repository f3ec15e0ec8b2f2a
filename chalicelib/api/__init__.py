"""Chalice blueprints for the HTTP routes. Handlers parse, call the domain, shape the answer."""
