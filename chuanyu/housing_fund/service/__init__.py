"""Use cases of the housing-fund domain, one module per side of the remote-loan flow."""
