"""Files into the store: reading, checking and loading exports in one transaction each, the first-launch sample, backups."""
