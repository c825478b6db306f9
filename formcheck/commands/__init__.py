"""CLI subcommands, one module each; see formcheck.cli."""
