"""``python -m hoso`` and the ``hoso`` console script.

This module imports nothing at its top: a process that ``multiprocessing`` starts by
spawn or forkserver (the workers of ``hoso run``, the converters of a reference import)
imports its parent's main module again, and the CLI's imports (typer, SQLAlchemy,
alembic, ~1 s of CPU) would run in each of them for nothing.
"""


def main() -> None:
    from hoso.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
