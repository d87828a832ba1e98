"""Köprü's benchmark: the scale data set served by gunicorn, measured against the floor (see README.md)."""
