//! Prints how the extractor chose the main content of each HTML file given as argument.

fn main() {
    for path in std::env::args().skip(1) {
        match std::fs::read(&path) {
            Ok(b) => println!(
                "== {path}\n{}",
                minga_filters::extract::explain(&String::from_utf8_lossy(&b))
            ),
            Err(e) => eprintln!("warning: {path}: {e}"),
        }
    }
}
