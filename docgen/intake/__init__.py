"""Intake: incoming files to text (extract, OCR), and text to the fields of a case."""
