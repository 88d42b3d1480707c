"""``whyrelu`` subcommands; every module here defines ``register(cli)``."""
