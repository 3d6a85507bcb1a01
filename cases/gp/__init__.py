"""Vordingborg's GP collaboration (a feature of the case file): practices, the meeting every third
week registered as one batch of consenting patients, and GP requests with their clocks."""
