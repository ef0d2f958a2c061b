"""积分贷 statements: a household's record for the rural bank, with its members' consent.

`figures` reads the record from the ledger as it stood at a given head (so the statement's
QR page can recompute it later and say whether it still agrees), `consent` records and
checks consent, `issue` writes a statement, `pdf` draws it, `bank` lists consenting
households for the bank.
"""
