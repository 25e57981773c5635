"""Widgets render state and post messages; they never call the service."""
