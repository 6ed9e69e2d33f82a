mod hostile;
mod ingest_fixtures;
mod plan_cli;
mod util;
mod validate_cli;
