"""Employer outreach: activities that reach workplaces (Kolding, Stevns, Vordingborg), weekly targets,
and which workplaces came to the job centre within three months of an activity."""
