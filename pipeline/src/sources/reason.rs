//! Why ingest did not turn a record into a document: one enum for every reader, whose
//! `as_str` is the ledger's `ingest.<why>` reason.

/// A reason for a skipped record (or, `EmptyText`, a rejected document) at ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// An HTTP `Content-Encoding` that would not decode.
    BadContentEncoding,
    /// A WARC/ARC length that does not match the bytes that follow.
    BadContentLength,
    /// A gzip member that does not inflate.
    BadGzip,
    /// A WARC/ARC header that does not parse.
    BadHeader,
    /// An HTTP response head that does not parse.
    BadHttp,
    /// A jsonl line that is not a JSON object.
    BadJson,
    /// A PDF that does not parse (no header, broken objects or page tree).
    BadPdf,
    /// XML that does not parse.
    BadXml,
    /// A zip container (DOCX, ODT, EPUB) that does not open: corrupt, encrypted, too many entries.
    BadZip,
    /// A payload that is not text (images, PDFs, archives ...).
    BinaryPayload,
    /// A record with no payload.
    EmptyPayload,
    /// No text left after extraction and normalisation.
    EmptyText,
    /// An encrypted PDF that the empty user password does not open.
    Encrypted,
    /// Bytes between records that are not a record.
    Garbage,
    /// An HTTP status other than 2xx.
    HttpStatus,
    /// The file could not be read past this point.
    IoError,
    /// A container without a part the format requires (`word/document.xml`, the EPUB package).
    MissingPart,
    /// A record whose text field or body is empty, only whitespace or markup.
    NoText,
    /// XML without an ELAN `<ANNOTATION_DOCUMENT>` root.
    NotEaf,
    /// A PDF that draws no text (a scan or images only): to be sent to OCR.
    NoTextLayer,
    /// XML without a TEI root.
    NotTei,
    /// A read error that ended the file.
    ReadError,
    /// A record (file, line, payload or decoded body) over `[ingest] max_record_mb`.
    RecordTooLarge,
    /// A segmented WARC record (`continuation`), not reassembled.
    SegmentedRecord,
    /// A gzip stream cut short.
    TruncatedGzip,
    /// A record cut short by the end of the file.
    TruncatedRecord,
    /// Text in no encoding that decodes.
    Undecodable,
    /// A whole-file gzip asked to be split across parts.
    UnsplittableGzip,
    /// A charset or content encoding minga does not read.
    UnsupportedEncoding,
    /// Declared XML entities that would expand past the limit.
    XmlEntities,
    /// XML nested deeper than the limit.
    XmlTooDeep,
}

impl SkipReason {
    /// Every reason, in ledger-name order.
    pub const ALL: [SkipReason; 31] = [
        SkipReason::BadContentEncoding,
        SkipReason::BadContentLength,
        SkipReason::BadGzip,
        SkipReason::BadHeader,
        SkipReason::BadHttp,
        SkipReason::BadJson,
        SkipReason::BadPdf,
        SkipReason::BadXml,
        SkipReason::BadZip,
        SkipReason::BinaryPayload,
        SkipReason::EmptyPayload,
        SkipReason::EmptyText,
        SkipReason::Encrypted,
        SkipReason::Garbage,
        SkipReason::HttpStatus,
        SkipReason::IoError,
        SkipReason::MissingPart,
        SkipReason::NoText,
        SkipReason::NoTextLayer,
        SkipReason::NotEaf,
        SkipReason::NotTei,
        SkipReason::ReadError,
        SkipReason::RecordTooLarge,
        SkipReason::SegmentedRecord,
        SkipReason::TruncatedGzip,
        SkipReason::TruncatedRecord,
        SkipReason::Undecodable,
        SkipReason::UnsplittableGzip,
        SkipReason::UnsupportedEncoding,
        SkipReason::XmlEntities,
        SkipReason::XmlTooDeep,
    ];

    /// The ledger reason, `ingest.<why>`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::BadContentEncoding => "ingest.bad_content_encoding",
            SkipReason::BadContentLength => "ingest.bad_content_length",
            SkipReason::BadGzip => "ingest.bad_gzip",
            SkipReason::BadHeader => "ingest.bad_header",
            SkipReason::BadHttp => "ingest.bad_http",
            SkipReason::BadJson => "ingest.bad_json",
            SkipReason::BadPdf => "ingest.bad_pdf",
            SkipReason::BadXml => "ingest.bad_xml",
            SkipReason::BadZip => "ingest.bad_zip",
            SkipReason::BinaryPayload => "ingest.binary_payload",
            SkipReason::EmptyPayload => "ingest.empty_payload",
            SkipReason::EmptyText => "ingest.empty_text",
            SkipReason::Encrypted => "ingest.encrypted",
            SkipReason::Garbage => "ingest.garbage",
            SkipReason::HttpStatus => "ingest.http_status",
            SkipReason::IoError => "ingest.io_error",
            SkipReason::MissingPart => "ingest.missing_part",
            SkipReason::NoText => "ingest.no_text",
            SkipReason::NotEaf => "ingest.not_eaf",
            SkipReason::NoTextLayer => "ingest.no_text_layer",
            SkipReason::NotTei => "ingest.not_tei",
            SkipReason::ReadError => "ingest.read_error",
            SkipReason::RecordTooLarge => "ingest.record_too_large",
            SkipReason::SegmentedRecord => "ingest.segmented_record",
            SkipReason::TruncatedGzip => "ingest.truncated_gzip",
            SkipReason::TruncatedRecord => "ingest.truncated_record",
            SkipReason::Undecodable => "ingest.undecodable",
            SkipReason::UnsplittableGzip => "ingest.unsplittable_gzip",
            SkipReason::UnsupportedEncoding => "ingest.unsupported_encoding",
            SkipReason::XmlEntities => "ingest.xml_entities",
            SkipReason::XmlTooDeep => "ingest.xml_too_deep",
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for SkipReason {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<SkipReason> for String {
    fn from(r: SkipReason) -> String {
        r.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_sorted_and_prefixed() {
        let names: Vec<&str> = SkipReason::ALL.iter().map(|r| r.as_str()).collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        assert!(names.iter().all(|n| n.starts_with("ingest.")));
        assert_eq!(SkipReason::RecordTooLarge, "ingest.record_too_large");
    }
}
