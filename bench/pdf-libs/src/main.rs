// Library comparison for bench/RESULTS-pdf.md: extract every PDF with one candidate library
// (pdf-extract or pdf_oxide) into OUT/<name>.txt and print name, milliseconds, status. Its own
// workspace, built only by hand: cargo build --release --manifest-path bench/pdf-libs/Cargo.toml
// usage: pdf-libs LIB OUT FILE.pdf...
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let lib = &args[1];
    let out = std::path::Path::new(&args[2]);
    for p in &args[3..] {
        let path = std::path::Path::new(p);
        let t = Instant::now();
        let r = std::panic::catch_unwind(|| -> Result<String, String> {
            match lib.as_str() {
                "pdf-extract" => pdf_extract::extract_text(path).map_err(|e| e.to_string()),
                "pdf_oxide" => {
                    let mut doc = pdf_oxide::PdfDocument::open(path).map_err(|e| e.to_string())?;
                    let n = doc.page_count().map_err(|e| e.to_string())?;
                    let mut s = String::new();
                    for i in 0..n { s.push_str(&doc.extract_text(i).map_err(|e| e.to_string())?); s.push('\n'); }
                    Ok(s)
                }
                _ => Err("lib?".into()),
            }
        });
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let status = match r {
            Ok(Ok(s)) => { std::fs::write(out.join(name.clone() + ".txt"), s).unwrap(); "ok".to_string() }
            Ok(Err(e)) => format!("err: {}", e.replace('\n', " ").chars().take(80).collect::<String>()),
            Err(_) => "panic".to_string(),
        };
        println!("{name}\t{ms:.1}\t{status}");
    }
}
