//! The parse floor: reads CSV files with the bare `csv` crate and does nothing else.
//!
//! `cargo run --release --example csv_floor -- FILE...` reads every record of each file
//! as bytes (no UTF-8 check, no number parsing, no interning) and prints the records
//! and fields it saw, so the time of a pathcredit job on the same files can be quoted
//! as a multiple of what reading them costs at the least (`benches/peers/run.sh`).

use std::error::Error;

fn main() -> Result<(), Box<dyn Error>> {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        return Err("usage: csv_floor FILE...".into());
    }
    for file in files {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_path(&file)?;
        let mut record = csv::ByteRecord::new();
        let (mut records, mut fields) = (0u64, 0u64);
        while reader.read_byte_record(&mut record)? {
            records += 1;
            fields += record.len() as u64;
        }
        println!("{file}: {records} records, {fields} fields");
    }
    Ok(())
}
