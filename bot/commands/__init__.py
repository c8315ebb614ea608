"""The `razem` subcommands, one module each; each module has `register(commands)`."""
