mod generated_registers;
mod hostile;
mod ingest_fixtures;
mod manifests;
mod plan_cli;
mod trust;
mod util;
mod validate_cli;
