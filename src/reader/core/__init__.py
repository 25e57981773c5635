"""The headless core of reader: no Textual, no Rich, usable from the CLI and tests."""
