"""The Textual user interface. Nothing here is imported by ``reader.core``."""
