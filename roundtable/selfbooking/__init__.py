"""Varde: employers book the roundtable themselves.

Large workplaces (schools) book a meeting with their fixed consultant without calling first. The
consultant publishes free time (a weekly pattern plus exceptions, never on closed days), attaches
themselves to a workplace and gives its contact person a personal, signed and revocable booking link.
Through it the contact person books a free slot for a named employee; the booking becomes a
roundtable meeting (with invitations) on the employee's case and meets the case's first-meeting clock.
"""
