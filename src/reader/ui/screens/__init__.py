"""Screens: they own the widgets, call the service inside workers and route messages."""
