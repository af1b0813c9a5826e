"""What can go wrong when scoring, with messages a person can act on."""

from __future__ import annotations


class ScoringError(ValueError):
    """Base of every scoring failure."""


class RulesInvalid(ScoringError):
    """The rules file is broken; the message names the place and the problem."""


class NoRulesForQuestionnaire(ScoringError):
    """The methodology has no rules for the assessment's questionnaire version."""


class FactsInvalid(ScoringError):
    """The facts do not fit the rules (an unknown question, choice or section)."""
