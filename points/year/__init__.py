"""The scheme's year: lots of earned points, their expiry, and settling a year.

`lots` derives what is left of each earned lot from the ledger's history (spent oldest
first); `rule` says when a lot expires (the `expiry` setting); `settlement` writes the
`expire` transfers and the warnings.
"""
