"""Measurements of backcare_nb: plan throughput and the whole dashboard against a minimal Voila baseline."""
