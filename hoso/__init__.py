"""hoso: digitization and OCR of Vietnamese vehicle-registration dossiers."""

__version__ = "0.1.0"
