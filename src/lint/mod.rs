//! `chartwright lint`: production failures that valid YAML still ships.
