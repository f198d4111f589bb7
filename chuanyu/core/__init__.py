"""Settings, database, clock, errors and security shared by every domain."""
