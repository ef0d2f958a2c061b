"""Recognition: the leaderboard, levels and badges, the public ledger and the monthly notice."""
