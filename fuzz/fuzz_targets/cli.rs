//! The `w2v` argument parser (clap) on arbitrary argv: the fuzz bytes split
//! on NUL into arguments after the program name. Parsing must give a command
//! or a clap error (which must render), never a panic. Nothing is executed.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;

#[path = "../../src/bin/w2v/main.rs"]
#[allow(dead_code, unused_imports)]
mod w2v;

fuzz_target!(|data: &[u8]| {
    let args = std::iter::once(std::ffi::OsString::from("w2v")).chain(
        data.split(|&b| b == 0)
            .map(|a| std::ffi::OsString::from(String::from_utf8_lossy(a).into_owned())),
    );
    match w2v::Cli::try_parse_from(args) {
        Ok(cli) => {
            let _ = format!("{cli:?}");
        }
        Err(e) => {
            let _ = e.to_string();
            let _ = e.kind();
        }
    }
});
