"""blogarchive's archive: dated, versioned SQLite records of posts and comments, and queries."""
