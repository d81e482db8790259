"""``python -m sprintlens``: the same as the ``sprintlens`` command."""

from .cli import main

main()
