"""Signals hospitals sends, so that apps above it can add to a new hospital without hospitals importing them."""

from django.dispatch import Signal

# Sent by services.create_hospital inside its transaction, after the row is saved: kwargs `hospital`.
hospital_created = Signal()
