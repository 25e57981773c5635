"""reader: a bilingual Korean/English terminal feed reader."""

__version__ = "0.1.0"
