"""The points supermarket (积分超市): the catalogue and redemptions (兑换)."""
