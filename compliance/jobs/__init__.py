"""Long work (imports, screening, PDFs) run outside web requests, with progress and results."""
