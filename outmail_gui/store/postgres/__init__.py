"""The shared store on PostgreSQL (psycopg 3): imported only when a ``postgresql://`` store is opened."""
