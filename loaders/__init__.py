"""govnet's ledger side: reading, validating, pseudonymizing, demo data and templates."""
