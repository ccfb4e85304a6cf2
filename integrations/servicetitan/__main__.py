"""``python -m integrations.servicetitan``: see :mod:`integrations.servicetitan.cli`."""

from .cli import main

raise SystemExit(main())
