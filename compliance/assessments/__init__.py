"""Self-assessments: answers, evidence and the review states an assessment moves through."""
