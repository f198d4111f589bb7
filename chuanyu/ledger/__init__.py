"""The cooperation ledger: who agreed what with whom, and the "N firsts" report made from it.

- `data/catalog.yaml`: stages, the categories whose earliest entry is a "first", running totals.
- `data/seed_2020.yaml`: the July 2020 Chongqing report as entries and published figures.
- `data/parties.yaml`: bodies and zones; administrative units come from `chuanyu.divisions`.
- `rules.py`: fuzzy dates, stages, category matching, firsts and totals (pure).
- `reports/`: the report as data, rendered to html (with SVG charts), pdf, md, xlsx and json.
- `providers.py`: live counts other domains register next to the published figures.
- Entries are owned by the node that records them and replicated on `ledger.entries`.
"""
