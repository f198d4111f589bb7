"""Page routes: the shell here, one module per domain beside it."""
