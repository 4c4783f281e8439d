//! TOML form of a rule bound: a number sets it, `false` turns the rule off. Whole numbers are
//! written as integers (`min_words = 50`) so hand-written and generated files look alike.

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

struct BoundVisitor;

impl Visitor<'_> for BoundVisitor {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number, or false to turn the rule off")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::custom(
                "`true` is not a bound: give a number, or false to turn the rule off",
            ))
        } else {
            Ok(None)
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_nan() {
            Err(E::custom("a bound cannot be NaN"))
        } else {
            Ok(Some(v))
        }
    }
}

fn write<S: Serializer>(v: Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        None => s.serialize_bool(false),
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => s.serialize_i64(x as i64),
        Some(x) => s.serialize_f64(x),
    }
}

/// `Option<f64>`: `None` is `false`.
pub mod bound {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        write(*v, s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_any(BoundVisitor)
    }
}

/// `Option<Option<f64>>` of an override: the outer `None` is a missing key (skipped when
/// writing), `Some(None)` is `false`.
pub mod overriding {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<Option<f64>>, s: S) -> Result<S::Ok, S::Error> {
        write(v.flatten(), s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<f64>>, D::Error> {
        d.deserialize_any(BoundVisitor).map(Some)
    }
}
