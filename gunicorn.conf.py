"""gunicorn's settings for the web server, read from the working directory when it starts.

The command line still names the app, the address and the number of processes (one per core:
docker-compose.yml, Dockerfile). Each process serves requests on a few threads: while one
waits for PostgreSQL or Redis another runs, and a slow client holds a thread, not the whole
process. Measured on 2 cores shared with PostgreSQL and Redis (BENCHMARKS.md, "Pages at the
framework floor"), 2 processes of 4 threads served the seller inbox about 15% faster than 2
single-threaded ones; more processes than cores were slower. Each thread keeps its own
database connection: processes × threads connections per server (PgBouncer pools them).
"""

worker_class = "gthread"
threads = 4
