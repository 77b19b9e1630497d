"""Reads that only the pages need, by topic, over the apps' own selectors and rules:

- `browse`: the browse grid, its filters, newest-first pages by keyset cursor, category choices;
- `pages`: one listing's page, a workshop's profile, My page;
- `charts`: the impact figures and their SVG charts;
- `photos`: the `<img>` of a photo and its placeholder colour.
"""
