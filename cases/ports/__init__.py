"""Ports: what a kernel page needs from a feature app, as typed data.

The kernel defines the shape (frozen dataclasses and a Protocol); the feature app implements it and
registers the implementation in its `AppConfig.ready()`. The kernel never imports the feature, and a
field renamed in the feature breaks the feature's own port tests, not a citizen's page at run time.
"""
