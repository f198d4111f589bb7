"""The cooperation ledger: who agreed what with whom, and the "N firsts" report made from it."""
