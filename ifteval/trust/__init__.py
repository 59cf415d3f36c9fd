"""Trust with few labels: human-equivalent scores (PPI++), judge calibration, and labelling plans.

Built on ppi-python (prediction-powered inference, PPI++ power tuning, cross-prediction, power analysis)
and scikit-learn's isotonic regression; this package only joins them to ifteval's tables and run records.
"""
