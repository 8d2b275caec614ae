"""The shared Typer application every command module registers on."""

import typer

app = typer.Typer(
    name="govnet",
    help="govnet: 一核多元 governance network analyzer (ledgers → graph → analysis).",
    no_args_is_help=True,
    add_completion=False,
)
