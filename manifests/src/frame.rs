//! Conversion between [`Document`] rows and polars [`DataFrame`]s, one row group at a time.

use polars::chunked_array::builder::get_list_builder;
use polars::prelude::*;

use crate::document::{Columns, Document, LangSpan};
use crate::ledger::Rejection;

fn span_dtype() -> DataType {
    DataType::Struct(vec![
        Field::new("start".into(), DataType::UInt32),
        Field::new("end".into(), DataType::UInt32),
        Field::new("lang".into(), DataType::String),
        Field::new("score".into(), DataType::Float32),
    ])
}

fn opt_str<'a>(
    name: &str,
    docs: &'a [&Document],
    f: impl Fn(&'a Document) -> Option<&'a str>,
) -> Column {
    Column::new(name.into(), docs.iter().map(|d| f(d)).collect::<Vec<_>>())
}

fn req_str<'a>(name: &str, docs: &'a [&Document], f: impl Fn(&'a Document) -> &'a str) -> Column {
    Column::new(name.into(), docs.iter().map(|d| f(d)).collect::<Vec<_>>())
}

/// Builds the frame of `docs` with the base columns plus the groups `cols` names.
pub(crate) fn to_frame(docs: &[&Document], cols: &Columns) -> PolarsResult<DataFrame> {
    let mut c = vec![
        req_str("id", docs, |d| &d.id),
        req_str("source", docs, |d| &d.source),
        req_str("source_file", docs, |d| &d.source_file),
        Column::new(
            "source_offset".into(),
            docs.iter().map(|d| d.source_offset).collect::<Vec<u64>>(),
        ),
        Column::new(
            "source_length".into(),
            docs.iter().map(|d| d.source_length).collect::<Vec<u64>>(),
        ),
        opt_str("url", docs, |d| d.url.as_deref()),
        opt_str("record_id", docs, |d| d.record_id.as_deref()),
        opt_str("date", docs, |d| d.date.as_deref()),
        opt_str("payload_digest", docs, |d| d.payload_digest.as_deref()),
        req_str("content_type", docs, |d| &d.content_type),
        opt_str("title", docs, |d| d.title.as_deref()),
        req_str("text", docs, |d| &d.text),
        opt_str("licence", docs, |d| d.licence.as_deref()),
        opt_str("consent", docs, |d| d.consent.as_deref()),
        opt_str("contact", docs, |d| d.contact.as_deref()),
        opt_str("country", docs, |d| d.country.as_deref()),
        req_str("meta", docs, |d| &d.meta),
    ];
    if cols.lang {
        c.push(opt_str("lang", docs, |d| d.lang.as_deref()));
        c.push(Column::new(
            "lang_score".into(),
            docs.iter().map(|d| d.lang_score).collect::<Vec<_>>(),
        ));
        c.push(spans_column(docs)?);
    }
    if !cols.quality.is_empty() {
        c.push(struct_column("quality", &cols.quality, docs, |d, i| {
            d.quality.get(i).copied()
        })?);
    }
    if !cols.pii.is_empty() {
        c.push(struct_column("pii", &cols.pii, docs, |d, i| {
            d.pii.get(i).copied()
        })?);
    }
    if cols.dedup {
        c.push(Column::new(
            "dup_cluster_size".into(),
            docs.iter().map(|d| d.dup_cluster_size).collect::<Vec<_>>(),
        ));
    }
    DataFrame::new(c)
}

/// A struct column whose field `i` (named `names[i]`) holds `value(doc, i)` for every document.
fn struct_column<T>(
    name: &str,
    names: &[String],
    docs: &[&Document],
    value: impl Fn(&Document, usize) -> Option<T>,
) -> PolarsResult<Column>
where
    Series: NamedFrom<Vec<Option<T>>, [Option<T>]>,
{
    let fields: Vec<Series> = names
        .iter()
        .enumerate()
        .map(|(i, field)| {
            Series::new(
                field.into(),
                docs.iter().map(|d| value(d, i)).collect::<Vec<_>>(),
            )
        })
        .collect();
    Ok(
        StructChunked::from_series(name.into(), docs.len(), fields.iter())?
            .into_series()
            .into(),
    )
}

fn spans_column(docs: &[&Document]) -> PolarsResult<Column> {
    let total: usize = docs.iter().map(|d| d.lang_spans.len()).sum();
    let mut builder = get_list_builder(&span_dtype(), total, docs.len(), "lang_spans".into());
    for d in docs {
        let s = &d.lang_spans;
        let fields = [
            Series::new(
                "start".into(),
                s.iter().map(|x| x.start).collect::<Vec<_>>(),
            ),
            Series::new("end".into(), s.iter().map(|x| x.end).collect::<Vec<_>>()),
            Series::new(
                "lang".into(),
                s.iter().map(|x| x.lang.as_str()).collect::<Vec<_>>(),
            ),
            Series::new(
                "score".into(),
                s.iter().map(|x| x.score).collect::<Vec<_>>(),
            ),
        ];
        let st = StructChunked::from_series("".into(), s.len(), fields.iter())?.into_series();
        builder.append_series(&st)?;
    }
    Ok(builder.finish().into_series().into())
}

/// Appends the ledger columns (`stage`, `reason`, `value`, `detail`, `dup_of`) to a frame.
pub(crate) fn add_ledger_columns(
    df: &mut DataFrame,
    stage: &str,
    why: &[&Rejection],
) -> PolarsResult<()> {
    let n = why.len();
    df.with_column(Column::new("stage".into(), vec![stage; n]))?;
    df.with_column(Column::new(
        "reason".into(),
        why.iter().map(|r| r.reason.as_str()).collect::<Vec<_>>(),
    ))?;
    df.with_column(Column::new(
        "value".into(),
        why.iter().map(|r| r.value).collect::<Vec<_>>(),
    ))?;
    df.with_column(Column::new(
        "detail".into(),
        why.iter().map(|r| r.detail.as_str()).collect::<Vec<_>>(),
    ))?;
    df.with_column(Column::new(
        "dup_of".into(),
        why.iter().map(|r| r.dup_of.as_deref()).collect::<Vec<_>>(),
    ))?;
    Ok(())
}

type ColumnResult<T> = Result<T, (String, PolarsError)>;

/// A string column as owned values (all `None` when the column is absent).
fn strs(df: &DataFrame, name: &str) -> ColumnResult<Vec<Option<String>>> {
    match df.column(name) {
        Ok(c) => {
            let ca = c.str().map_err(|e| (name.to_string(), e))?;
            Ok(ca.into_iter().map(|v| v.map(str::to_string)).collect())
        }
        Err(_) => Ok(vec![None; df.height()]),
    }
}

fn col<'a>(df: &'a DataFrame, name: &str) -> ColumnResult<&'a Column> {
    df.column(name).map_err(|e| (name.to_string(), e))
}

/// Reads documents back from a frame; `cols` is derived from the frame's schema.
pub(crate) fn from_frame(df: &DataFrame) -> ColumnResult<(Vec<Document>, Columns)> {
    let n = df.height();
    // A corrupted file can decode into columns of unequal length; reading one by the row index
    // of another would then run off its end.
    if let Some(c) = df.get_columns().iter().find(|c| c.len() != n) {
        let msg = format!("{} rows where the shard has {n}", c.len());
        return Err((c.name().to_string(), PolarsError::ShapeMismatch(msg.into())));
    }
    let mut docs = base_documents(df)?;
    let cols = stage_columns(df, &mut docs)?;
    Ok((docs, cols))
}

/// The documents with the columns every shard has (DESIGN.md's base schema).
fn base_documents(df: &DataFrame) -> ColumnResult<Vec<Document>> {
    let n = df.height();
    let strs = |name: &str| strs(df, name);
    let u64s = |name: &str| -> ColumnResult<Vec<u64>> {
        let ca = col(df, name)?
            .u64()
            .map_err(|e| (name.to_string(), e))?
            .clone();
        Ok(ca.into_iter().map(|v| v.unwrap_or(0)).collect())
    };
    let req = |v: Vec<Option<String>>| v.into_iter().map(|s| s.unwrap_or_default());
    let mut docs: Vec<Document> = Vec::with_capacity(n);
    let ids = req(strs("id")?);
    let mut sources = req(strs("source")?);
    let mut files = req(strs("source_file")?);
    let offs = u64s("source_offset")?;
    let lens = u64s("source_length")?;
    let (mut url, mut rid, mut date, mut pd) = (
        strs("url")?.into_iter(),
        strs("record_id")?.into_iter(),
        strs("date")?.into_iter(),
        strs("payload_digest")?.into_iter(),
    );
    let mut ct = req(strs("content_type")?);
    let mut title = strs("title")?.into_iter();
    let mut text = req(strs("text")?);
    let (mut lic, mut con, mut cont, mut ctry) = (
        strs("licence")?.into_iter(),
        strs("consent")?.into_iter(),
        strs("contact")?.into_iter(),
        strs("country")?.into_iter(),
    );
    let mut meta = req(strs("meta")?);
    for (i, id) in ids.enumerate() {
        docs.push(Document {
            id,
            source: sources.next().unwrap_or_default(),
            source_file: files.next().unwrap_or_default(),
            source_offset: offs[i],
            source_length: lens[i],
            url: url.next().flatten(),
            record_id: rid.next().flatten(),
            date: date.next().flatten(),
            payload_digest: pd.next().flatten(),
            content_type: ct.next().unwrap_or_default(),
            title: title.next().flatten(),
            text: text.next().unwrap_or_default(),
            licence: lic.next().flatten(),
            consent: con.next().flatten(),
            contact: cont.next().flatten(),
            country: ctry.next().flatten(),
            meta: meta.next().unwrap_or_default(),
            ..Document::default()
        });
    }
    Ok(docs)
}

/// Fills the column groups stages add (`lang*`, `quality`, `pii`, `dup_cluster_size`) where the
/// frame has them, and says which it has.
fn stage_columns(df: &DataFrame, docs: &mut [Document]) -> ColumnResult<Columns> {
    let strs = |name: &str| strs(df, name);
    let col = |name: &str| col(df, name);
    let mut cols = Columns::default();
    if df.column("lang").is_ok() {
        cols.lang = true;
        for (d, l) in docs.iter_mut().zip(strs("lang")?) {
            d.lang = l;
        }
        let sc = col("lang_score")?
            .f32()
            .map_err(|e| ("lang_score".to_string(), e))?
            .clone();
        for (d, s) in docs.iter_mut().zip(&sc) {
            d.lang_score = s;
        }
        read_spans(col("lang_spans")?, docs).map_err(|e| ("lang_spans".to_string(), e))?;
    }
    if let Ok(q) = df.column("quality") {
        let st = q.struct_().map_err(|e| ("quality".to_string(), e))?;
        for f in st.fields_as_series() {
            cols.quality.push(f.name().to_string());
            let f = f
                .cast(&DataType::Float32)
                .map_err(|e| ("quality".to_string(), e))?;
            for (d, v) in docs
                .iter_mut()
                .zip(f.f32().map_err(|e| ("quality".to_string(), e))?)
            {
                d.quality.push(v.unwrap_or(f32::NAN));
            }
        }
    }
    if let Ok(p) = df.column("pii") {
        let st = p.struct_().map_err(|e| ("pii".to_string(), e))?;
        for f in st.fields_as_series() {
            cols.pii.push(f.name().to_string());
            let f = f
                .cast(&DataType::UInt32)
                .map_err(|e| ("pii".to_string(), e))?;
            for (d, v) in docs
                .iter_mut()
                .zip(f.u32().map_err(|e| ("pii".to_string(), e))?)
            {
                d.pii.push(v.unwrap_or(0));
            }
        }
    }
    if let Ok(c) = df.column("dup_cluster_size") {
        cols.dedup = true;
        let ca = c.u32().map_err(|e| ("dup_cluster_size".to_string(), e))?;
        for (d, v) in docs.iter_mut().zip(ca) {
            d.dup_cluster_size = v;
        }
    }
    Ok(cols)
}

fn read_spans(c: &Column, docs: &mut [Document]) -> PolarsResult<()> {
    let list = c.list()?;
    for (d, item) in docs.iter_mut().zip(list) {
        let Some(s) = item else { continue };
        let st = s.struct_()?;
        let f = st.fields_as_series();
        if f.len() != 4 {
            polars_bail!(ComputeError: "lang_spans: expected 4 fields, found {}", f.len());
        }
        let (a, b, l, sc) = (f[0].u32()?, f[1].u32()?, f[2].str()?, f[3].f32()?);
        for i in 0..s.len() {
            d.lang_spans.push(LangSpan {
                start: a.get(i).unwrap_or(0),
                end: b.get(i).unwrap_or(0),
                lang: l.get(i).unwrap_or("und").to_string(),
                score: sc.get(i).unwrap_or(0.0),
            });
        }
    }
    Ok(())
}
