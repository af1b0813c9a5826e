"""Certificates: issued when a reviewer approves an assessment, signed as W3C Verifiable
Credentials, rendered as a one-page PDF, published in the register with their status (and in the
Bitstring Status Lists), logged in the transparency log, and verifiable by anyone."""
