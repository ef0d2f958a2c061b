"""Places: the tree of the scheme (city → town → village → grid) and settings that inherit."""

from points.places.tree import clean_place_name, create_village, get_village, village_by_code

__all__ = ["clean_place_name", "create_village", "get_village", "village_by_code"]
