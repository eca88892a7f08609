//! Council phones and what their holders owe for personal calls.
//!
//! A phone's number is registered as its line; each month's itemised bill is imported from CSV
//! and every item goes to whoever held the phone that day (`holder`). Under the pack's
//! `[phones]` rule of `reimburse`, holders mark their personal calls until an officer issues a
//! statement of what they owe, and payments are recorded against it until it is paid. Storage
//! is the narrow `PhoneTx`; every change writes its audit record in the same transaction, and
//! no audit record holds a number that was called.

pub mod bill;
pub mod due;
pub mod holder;
pub mod import;
pub mod lines;
pub mod lists;
pub mod marking;
pub mod number;
pub mod period;
pub mod records;
pub mod repo;
pub mod statements;
pub mod views;

pub use number::PhoneNumber;
pub use period::BillPeriod;
pub use records::{PhoneBill, PhoneCall, PhoneLine, PhonePayment, PhoneStatement};
pub use repo::PhoneTx;
