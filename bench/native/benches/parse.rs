//! `Message::parse` per corpus message, the whole corpus, and the corpus with the typed view
//! JsSIP builds (see bench/wasm-parse). Results land in target/criterion/ (bench/run.sh reads
//! the estimates from there).
use bwclient_bench_native::corpus;
use bwclient_bench_parse::parse;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let corpus = corpus();
    for (name, bytes) in &corpus {
        assert!(parse(bytes, true), "{name} does not parse");
    }
    let mut g = c.benchmark_group("message");
    g.throughput(Throughput::Elements(1));
    for (name, bytes) in &corpus {
        g.bench_function(name.as_str(), |b| b.iter(|| parse(black_box(bytes), false)));
    }
    g.finish();
    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Elements(corpus.len() as u64));
    for (label, typed) in [("parse", false), ("parse+typed", true)] {
        g.bench_function(label, |b| {
            b.iter(|| corpus.iter().filter(|(_, m)| parse(black_box(m), typed)).count())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
