"""Households (户): a yearly score from their members' earned points, and 文明家庭 stars."""
