//! The shape of the generated metadata (`data.rs`) and lookups into it.

use crate::data::{CALLING_CODES, REGIONS};

/// A number description of one type in one region (libphonenumber's
/// `PhoneNumberDesc`).
#[derive(Debug)]
pub struct Desc {
    /// The national-number pattern (matched against the whole number).
    pub pattern: &'static str,
    /// Lengths a number of this type can have; empty means "any".
    pub lengths: &'static [u8],
    /// Lengths that can only be dialled locally.
    pub local_lengths: &'static [u8],
}

/// Number types, in libphonenumber's order of checks (after the general
/// description): the index into [`Region::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeSlot {
    /// Premium-rate.
    PremiumRate = 0,
    /// Toll-free.
    TollFree = 1,
    /// Shared-cost.
    SharedCost = 2,
    /// VoIP.
    Voip = 3,
    /// Personal numbers.
    Personal = 4,
    /// Pagers.
    Pager = 5,
    /// Universal access numbers.
    Uan = 6,
    /// Voicemail access.
    Voicemail = 7,
    /// Fixed line.
    FixedLine = 8,
    /// Mobile.
    Mobile = 9,
}

/// One region's metadata (libphonenumber's `PhoneMetadata`), or one
/// non-geographic calling code's (id `001`).
#[derive(Debug)]
pub struct Region {
    /// ISO 3166 alpha-2, or `001` for a non-geographic entity.
    pub id: &'static str,
    /// Its calling code.
    pub country_code: u16,
    /// For regions that share a calling code: the national numbers that
    /// belong to this one (matched at the start).
    pub leading_digits: Option<&'static str>,
    /// What a national prefix (and carrier code) looks like.
    pub national_prefix_for_parsing: Option<&'static str>,
    /// How a number is rewritten after its prefix (`\1` is group 1).
    pub national_prefix_transform_rule: Option<&'static str>,
    /// Where mobile and fixed-line numbers cannot be told apart.
    pub same_mobile_and_fixed_line_pattern: bool,
    /// What any valid number of the region looks like.
    pub general: Desc,
    /// One description per [`TypeSlot`]; `None` where the type has none.
    pub types: [Option<Desc>; 10],
}

impl Region {
    /// The description of one type.
    pub fn desc(&self, slot: TypeSlot) -> Option<&Desc> {
        self.types[slot as usize].as_ref()
    }
}

/// A calling code and the regions that use it, the main one first.
#[derive(Debug)]
pub struct CallingCode {
    /// The code.
    pub code: u16,
    /// Indices into the region table.
    pub regions: &'static [u16],
}

/// The regions of a calling code, main first; empty for an unknown code.
pub fn regions_of(code: u16) -> impl Iterator<Item = &'static Region> {
    let regions = CALLING_CODES
        .binary_search_by_key(&code, |c| c.code)
        .map_or(&[][..], |i| CALLING_CODES[i].regions);
    regions.iter().map(|&i| &REGIONS[usize::from(i)])
}

/// Whether a calling code is known.
pub fn is_calling_code(code: u16) -> bool {
    CALLING_CODES
        .binary_search_by_key(&code, |c| c.code)
        .is_ok()
}

/// Every region (geographic and non-geographic).
pub fn all_regions() -> &'static [Region] {
    &REGIONS
}
