//! The HTML main-text extractor, the consent signals of the head and headers, and the robots.txt
//! parser and matcher on arbitrary (lossily decoded) text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let _ = minga_filters::extract::extract(&html);
    let _ = minga_filters::consent::head_signals(&html);
    let _ = minga_filters::consent::header_opt_outs(Some(&html), Some(&html));
    let robots = minga_filters::robots::Robots::parse(&html);
    let path = html.lines().next().unwrap_or("/");
    let _ = robots.allowed("GPTBot", path);
});
