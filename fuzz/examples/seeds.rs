//! Writes the seed corpus of every fuzz target (fuzz/src/seeds.rs) as DIR/<target>/<n>, for
//! `cargo fuzz run <target> DIR/<target>`. Made afresh on every run; nothing is kept.
fn main() {
    let Some(dir) = std::env::args_os().nth(1).map(std::path::PathBuf::from) else {
        eprintln!("usage: seeds DIR");
        std::process::exit(2);
    };
    for (name, seeds) in smmu_fuzz::seeds::all() {
        let d = dir.join(name);
        if let Err(e) = std::fs::create_dir_all(&d) {
            eprintln!("seeds: {}: {e}", d.display());
            std::process::exit(1);
        }
        for (i, s) in seeds.iter().enumerate() {
            if let Err(e) = std::fs::write(d.join(format!("seed-{i:03}")), s) {
                eprintln!("seeds: {}: {e}", d.display());
                std::process::exit(1);
            }
        }
        println!("{name}: {} seeds, {} bytes", seeds.len(), seeds.iter().map(Vec::len).sum::<usize>());
    }
}
