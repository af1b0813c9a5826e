"""Investor portfolios: uploaded holdings, their resolution to known organisations, screening
runs and the briefings made from them."""
