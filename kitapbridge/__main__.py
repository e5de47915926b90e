"""``python -m kitapbridge`` runs the CLI, for environments without the console script."""

from kitapbridge.cli import main

main()
