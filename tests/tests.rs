//! Integration tests: the real `clearance` binary run in temporary folders
//! against fixture files. One test binary, with modules by purpose.

mod it;
