mod hostile;
mod ingest_fixtures;
mod util;
mod validate_cli;
