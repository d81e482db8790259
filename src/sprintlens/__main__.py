"""``python -m sprintlens``: the same as the ``sprintlens`` command."""

from sprintlens.cli import main

main()
