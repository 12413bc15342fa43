//! Tandem's benchmarks: `cargo bench` (micro) and the `load` scenario (a second process
//! driving a real `tandem serve`).
