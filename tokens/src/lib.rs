//! Signatures shared by the edge (tickets, portal tokens) and xtask (minting
//! portal tokens for development): HMAC-SHA256 over base64url, and the
//! portal token's claims and rules.

pub mod sign;
pub mod token;
