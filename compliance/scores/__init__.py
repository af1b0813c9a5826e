"""Scores of assessments: the stored answers, evidence and incidents turned into scoring facts."""
