"""The shared Typer application every command module registers on."""

import sys

import typer


class _Typer(typer.Typer):
    """Running out of memory (a ledger too big for this machine) ends in one line on
    stderr and exit code 1, not a traceback; files are written atomically, so nothing
    is left half-written."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except MemoryError:
            print(
                "错误 error: 内存不足 out of memory: the input is too big for this machine "
                "(see the archive.* limits in SECURITY.md); no file was left half-written",
                file=sys.stderr,
            )
            sys.exit(1)


app = _Typer(
    name="govnet",
    help="govnet: 一核多元 governance network analyzer (ledgers → graph → analysis).",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _commands() -> None:
    # A callback keeps ``govnet COMMAND`` a group even when one command module is loaded
    # (``govnet app`` loads only its own): Typer would run a lone command without its name.
    pass
