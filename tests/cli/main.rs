//! Integration tests: the real `handbook` binary run on small handbooks.
//! One test binary (faster to link), one module per feature.

#![allow(clippy::unwrap_used)]

#[cfg(unix)]
mod action;
mod build;
mod check;
mod ci;
#[cfg(feature = "serve")]
mod differential;
mod harness;
mod health;
mod incidents;
mod init;
mod input;
mod layout;
mod links;
mod markdown;
mod matrix;
mod nav;
mod owners;
mod reading;
mod rules;
mod safety;
mod search;
#[cfg(feature = "serve")]
mod serve;
#[cfg(unix)]
mod shell;
mod templates;
