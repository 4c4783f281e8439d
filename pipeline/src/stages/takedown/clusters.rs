//! The dedup cluster files (`dedup/_dedup/clusters/part-NNNNN.bin`, `MGDDCLU2`) after a takedown.
//!
//! They are keyed by (part, row) of the dedup stage's input, so once the withdrawn rows leave
//! that input every later key of the part moves up. The rewritten table drops every removal and
//! representative that is withdrawn and renumbers the rest, so `minga dedup apply` over the
//! rewritten input gives exactly the rewritten dedup shards. A withdrawn representative's
//! removals go with it: its duplicates are withdrawn too (`plan::withdrawn`), so nothing is left
//! to promote in its place and they cannot come back as the new representative.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use minga_filters::dedup::{ClusterTable, DocInfo, Removal};

use crate::stages::dedup::records::{read_cluster_part, write_cluster_part};

/// Withdrawn input rows of each part (sorted), by part.
pub type Rows = BTreeMap<usize, Vec<u32>>;

/// The new key of `key`, or `None` when its row is withdrawn.
fn remap(key: u64, rows: &Rows) -> Option<u64> {
    let part = DocInfo::part_of(key);
    let row = (key & 0xffff_ffff) as u32;
    let Some(gone) = rows.get(&(part as usize)) else {
        return Some(key);
    };
    match gone.binary_search(&row) {
        Ok(_) => None,
        Err(before) => Some(DocInfo::part_row_key(part, row - before as u32)),
    }
}

/// The table without withdrawn rows, keys renumbered; `None` when nothing changes.
pub fn rewrite(table: &ClusterTable, rows: &Rows) -> Option<ClusterTable> {
    let mut removed = Vec::with_capacity(table.removals().len());
    for r in table.removals() {
        let (Some(m), Some(k)) = (remap(r.member.key, rows), remap(r.kept.key, rows)) else {
            continue;
        };
        removed.push(Removal {
            member: DocInfo { key: m, ..r.member },
            kept: DocInfo { key: k, ..r.kept },
            ..*r
        });
    }
    let kept: Vec<(u64, u32)> = table
        .representatives()
        .iter()
        .filter_map(|&(k, s)| Some((remap(k, rows)?, s)))
        .collect();
    let new = ClusterTable::from_rows(removed, kept);
    (!same(&new, table)).then_some(new)
}

/// Equality as stored: qualities compared by bits (a NaN quality, the worst, equals itself).
fn same(a: &ClusterTable, b: &ClusterTable) -> bool {
    let doc = |d: &DocInfo| (d.key, d.id, d.quality.to_bits());
    let rem = |r: &Removal| {
        (
            doc(&r.member),
            doc(&r.kept),
            r.reason as u8,
            r.similarity.map(f32::to_bits),
        )
    };
    a.representatives() == b.representatives()
        && a.removals().len() == b.removals().len()
        && a.removals()
            .iter()
            .zip(b.removals())
            .all(|(x, y)| rem(x) == rem(y))
}

/// Rewrites one cluster file in place (temp and rename); returns whether it changed.
pub fn rewrite_file(path: &Path, rows: &Rows) -> Result<bool> {
    let table = read_cluster_part(path)?;
    let Some(new) = rewrite(&table, rows) else {
        return Ok(false);
    };
    write_cluster_part(path, new.removals(), new.representatives())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use minga_filters::dedup::DupReason;

    fn doc(part: u32, row: u32) -> DocInfo {
        DocInfo::new(DocInfo::part_row_key(part, row), u128::from(row) + 1, 0.0)
    }

    #[test]
    fn withdrawn_rows_leave_and_later_keys_move_up() {
        let removal = |m: DocInfo, k: DocInfo| Removal {
            member: m,
            kept: k,
            reason: DupReason::MinHash,
            similarity: Some(0.9),
        };
        let table = ClusterTable::from_rows(
            vec![removal(doc(0, 5), doc(0, 1)), removal(doc(0, 7), doc(1, 4))],
            vec![(doc(0, 1).key, 2), (doc(1, 4).key, 2)],
        );
        // Row 1 of part 0 (a representative) and its duplicate, row 5, are withdrawn; row 2 of
        // part 1 too.
        let rows: Rows = [(0, vec![1, 5]), (1, vec![2])].into_iter().collect();
        let new = rewrite(&table, &rows).unwrap();
        assert_eq!(new.removals().len(), 1);
        let r = new.removals()[0];
        assert_eq!(r.member.key, DocInfo::part_row_key(0, 5));
        assert_eq!(r.kept.key, DocInfo::part_row_key(1, 3));
        assert_eq!(new.representatives(), &[(DocInfo::part_row_key(1, 3), 2)]);
        assert!(rewrite(&new, &Rows::new()).is_none());
    }
}
