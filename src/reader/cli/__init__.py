"""The ``reader`` command: argument parsing and output, nothing else.

Each subcommand is a small function that calls :class:`reader.service.ReaderService`
and prints either plain lines or JSON. Expected failures print one line to stderr
and exit 1; usage errors exit 2 (argparse). Heavy modules are imported lazily so
that ``reader --version`` stays fast.

``run`` is the entry point, ``parser`` builds the parser from the command groups
(``articles``, ``feeds``, ``terms``, ``learning``, ``translate``, ``models``,
``dictionary``, ``accounts``, ``queries``: each holds its commands' parsers and
handlers), ``output`` what they share.
"""

from reader.cli.run import main

__all__ = ["main"]
