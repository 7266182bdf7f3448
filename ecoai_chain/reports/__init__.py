"""Operator reports: energy, carbon, efficiency, Eco Score, recommendation and plots."""
