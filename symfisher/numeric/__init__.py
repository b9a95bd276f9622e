"""Numeric backends: quadrature for evidence, lambdified NumPy functions."""
