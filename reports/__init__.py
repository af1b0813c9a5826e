"""Context in, bytes out: PDFs and xlsx exports."""
